/**
 * The API's Velocity (VTL) mapping templates, one request template per stream and source, and
 * the response templates. Kept as plain functions of data so that infra/test_mapping_templates.py
 * can render exactly what the stack deploys (it reads them from the synthesized template).
 */
import type { StreamDefinition } from './streams';

/** Kinesis: a record's data blob plus its partition key may be 1 MiB (1,048,576 bytes). */
export const KINESIS_RECORD_LIMIT_BYTES = 1024 * 1024;
/** Firehose Direct PUT: a record's data may be 1,000 KiB (1,024,000 bytes). */
export const FIREHOSE_RECORD_LIMIT_BYTES = 1000 * 1024;
/** Kinesis caps a partition key at 256 characters (interfaces.md: cut, not rejected). */
export const PARTITION_KEY_MAX_CHARS = 256;

/**
 * VTL that sets `$pk` to the entity's key: the stream's key fields read from the v2 envelope
 * (`data.<camelCase>`), else from the v1 envelope (`payload.<snake_case>`), joined with `|`; a
 * string contributes its text, a number its JSON text. When any field of the key is absent,
 * empty, or not a string or number, that envelope gives no key; when neither does, `$pk` is
 * the request id. The result is cut to 256 characters.
 */
export function partitionKeyVtl(stream: StreamDefinition): string {
  const lines = ['## Partition key: the entity key from the body, else the request id.', '#set($pk = "")'];
  const envelopes: Array<[string, number]> = [
    ['data', 0],
    ['payload', 1],
  ];
  for (const [envelope, version] of envelopes) {
    const fields = stream.key.map((names) => `$.${envelope}.${names[version]}`);
    lines.push('#if($pk == "")', '#set($parts = [])');
    for (const path of fields) {
      lines.push(
        `#set($j = "$!input.json('${path}')")`,
        `#if($j.startsWith('"'))#set($v = "$!input.path('${path}')")#elseif($j != "null" && $j != "true" && $j != "false" && !$j.startsWith('{') && !$j.startsWith('['))#set($v = $j)#else#set($v = "")#end`,
        '#if($v != "")#set($added = $parts.add($v))#end',
      );
    }
    lines.push(`#if($parts.size() == ${fields.length})`);
    const joined = fields.map((_, i) => `$parts.get(${i})`).join('|');
    lines.push(`#set($pk = "${joined}")`, '#end', '#end');
  }
  lines.push(
    '#if($pk == "")#set($pk = $context.requestId)#end',
    `#if($pk.length() > ${PARTITION_KEY_MAX_CHARS})#set($pk = $pk.substring(0, ${PARTITION_KEY_MAX_CHARS}))#end`,
  );
  return lines.join('\n');
}

/**
 * VTL that sets `$nl` to a line feed. Every record is the request body plus one `\n`, so that
 * Firehose's raw backup (source/<stream>/, records concatenated as received) is JSON lines;
 * the functions accept the trailing newline. Velocity 1.7 has no escapes in string literals,
 * hence the URL decoding of %0A.
 */
export const NEWLINE_VTL = '#set($nl = $util.urlDecode("%0A"))';

/**
 * VTL that sets `$tooLarge` when `bytes` (the UTF-8 size of the base64 texts named in
 * `base64Vars`, added up) exceeds `limit`. A base64 text of n characters with p padding
 * characters holds 3n/4 - p bytes; the comparison is multiplied by 4 to stay in integers.
 */
function sizeCheckVtl(base64Vars: string[], limit: number): string {
  const lines = ['## Size: bytes of each base64 text = 3/4 of its length less its padding.', '#set($quarterBytes = 0)'];
  for (const name of base64Vars) {
    lines.push(
      `#set($quarterBytes = $quarterBytes + 3 * ${name}.length())`,
      `#if(${name}.endsWith("=="))#set($quarterBytes = $quarterBytes - 8)#elseif(${name}.endsWith("="))#set($quarterBytes = $quarterBytes - 4)#end`,
    );
  }
  lines.push(`#set($tooLarge = $quarterBytes > ${4 * limit})`);
  return lines.join('\n');
}

/**
 * Kinesis PutRecord from the request body, byte for byte, plus a newline (base64 in `Data`).
 *
 * Over the record limit, the template sends no data: API Gateway cannot end a request from a
 * request template, so it sends a PutRecord with an empty partition key, which Kinesis refuses
 * by its request schema (`ValidationException`) before writing anything, and the 4xx response
 * template answers 413. No other request of ours can draw a ValidationException (keys are cut
 * to 256 characters, sizes are checked here), so no error message is ever read.
 */
export function kinesisRequestTemplate(stream: StreamDefinition, streamNameToken: string): string {
  return [
    `## ${stream.name}: one System Two event -> Kinesis PutRecord.`,
    partitionKeyVtl(stream),
    NEWLINE_VTL,
    '#set($data = $util.base64Encode("$input.body$nl"))',
    '#set($keyBytes = $util.base64Encode($pk))',
    sizeCheckVtl(['$data', '$keyBytes'], KINESIS_RECORD_LIMIT_BYTES),
    '#if($tooLarge)',
    '## Over the limit: a request Kinesis refuses unwritten (empty key); answered 413.',
    `{"StreamName": "${streamNameToken}", "Data": "", "PartitionKey": ""}`,
    '#else',
    '{',
    `  "StreamName": "${streamNameToken}",`,
    '  "Data": "$data",',
    // escapeJavaScript escapes ' as \' which JSON does not allow: undo that one.
    '  "PartitionKey": "$util.escapeJavaScript($pk).replaceAll("\\\\\'", "\'")"',
    '}',
    '#end',
    '',
  ].join('\n');
}

/**
 * Firehose PutRecord (Direct PUT source) from the request body, byte for byte, plus a newline. Over the
 * 1,000 KiB record limit it names no delivery stream, which Firehose refuses by its request
 * schema (`ValidationException`) unwritten; answered 413 (see kinesisRequestTemplate).
 */
export function firehoseRequestTemplate(stream: StreamDefinition, deliveryStreamNameToken: string): string {
  return [
    `## ${stream.name}: one System Two event -> Firehose PutRecord (Direct PUT).`,
    NEWLINE_VTL,
    '#set($data = $util.base64Encode("$input.body$nl"))',
    sizeCheckVtl(['$data'], FIREHOSE_RECORD_LIMIT_BYTES),
    '#if($tooLarge)',
    '## Over the limit: a request Firehose refuses unwritten (no stream name); answered 413.',
    '{"DeliveryStreamName": "", "Record": {"Data": ""}}',
    '#else',
    `{"DeliveryStreamName": "${deliveryStreamNameToken}", "Record": {"Data": "$data"}}`,
    '#end',
    '',
  ].join('\n');
}

export const KINESIS_OK_TEMPLATE = [
  '{',
  '  "requestId": "$context.requestId",',
  '  "sequenceNumber": "$!input.path(\'$.SequenceNumber\')",',
  '  "shardId": "$!input.path(\'$.ShardId\')"',
  '}',
  '',
].join('\n');

export const FIREHOSE_OK_TEMPLATE = [
  '{',
  '  "requestId": "$context.requestId",',
  '  "recordId": "$!input.path(\'$.RecordId\')"',
  '}',
  '',
].join('\n');

/**
 * 4xx from the service, told apart by the error's type (`__type`, part of the API contract),
 * never by its message: throttling -> 429; ValidationException -> 413 (only our over-limit
 * request draws it); anything else (access denied, stream not found) is a deployment fault: 500.
 */
export function clientErrorTemplate(limitBytes: number): string {
  return [
    '#set($type = "$!input.path(\'$.__type\')")',
    '#if($type.contains("ProvisionedThroughputExceeded") || $type.contains("LimitExceeded") || $type.contains("Throttling"))',
    '#set($context.responseOverride.status = 429)',
    '{"message": "throttled, retry with backoff", "requestId": "$context.requestId"}',
    '#elseif($type.endsWith("ValidationException"))',
    '#set($context.responseOverride.status = 413)',
    `{"message": "record exceeds the ${limitBytes}-byte record limit", "requestId": "$context.requestId"}`,
    '#else',
    '{"message": "the stream rejected the record", "requestId": "$context.requestId"}',
    '#end',
    '',
  ].join('\n');
}

export const SERVER_ERROR_TEMPLATE =
  '{"message": "the stream is unavailable, retry with backoff", "requestId": "$context.requestId"}\n';
