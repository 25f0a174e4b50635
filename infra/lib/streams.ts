/**
 * The streams, as the CDK app needs them. Each name is at once the API path /events/<name>, the
 * Kinesis stream's and the delivery stream's key, the function crate (functions/<name>/) and its
 * binary, and the value of the EMF `Stream` dimension. The one list is the engine's layout table
 * (`cargo run -q -p system-one-shim --example streams`): infra/check_streams.py holds this copy
 * (names, order and keys) to it, and infra/check_drift.py holds the synthesized template to
 * functions/*\/Cargo.toml, so a stream added, removed or re-keyed in one place only fails CI.
 *
 * `key` is the entity's key, in the order of the spec's "key" rows (system-one-records.md), as
 * [v2 camelCase name in `data`, v1 snake_case name in `payload`]: the API's partition key, so
 * that every change of one entity lands on one shard (interfaces.md, "Kinesis partition key").
 */
export interface StreamDefinition {
  readonly name: string;
  readonly key: ReadonlyArray<readonly [v2: string, v1: string]>;
}

export const STREAMS: readonly StreamDefinition[] = [
  { name: 'customers', key: [['customerNumber', 'customer_number']] },
  { name: 'orders', key: [['orderNumber', 'order_number']] },
  { name: 'order-lines', key: [['orderNumber', 'order_number'], ['lineNumber', 'line_number']] },
  { name: 'invoices', key: [['invoiceNumber', 'invoice_number']] },
  { name: 'invoice-lines', key: [['invoiceNumber', 'invoice_number'], ['lineNumber', 'line_number']] },
  { name: 'shipments', key: [['shipmentNumber', 'shipment_number']] },
  { name: 'shipping-addresses', key: [['customerNumber', 'customer_number'], ['addressId', 'address_id']] },
  { name: 'virtual-requests', key: [['requestNumber', 'request_number']] },
  { name: 'estimates', key: [['orderNumber', 'order_number']] },
];

/** `order-lines` -> `OrderLines`: construct ids and output names. */
export function pascal(stream: string): string {
  return stream
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
