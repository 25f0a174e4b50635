//! The nine streams: each a Kinesis stream, a Firehose delivery stream and a Lambda function,
//! and each turning one System Two entity into one System One record type.

use crate::layout::{self, Layout};

/// One entity's pipeline. A function binary names its stream and nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stream {
    Customers,
    Orders,
    OrderLines,
    Invoices,
    InvoiceLines,
    Shipments,
    ShippingAddresses,
    VirtualRequests,
    Estimates,
}

impl Stream {
    /// Every stream, in the order of the spec's stream table.
    pub const ALL: [Stream; 9] = [
        Stream::Customers,
        Stream::Orders,
        Stream::OrderLines,
        Stream::Invoices,
        Stream::InvoiceLines,
        Stream::Shipments,
        Stream::ShippingAddresses,
        Stream::VirtualRequests,
        Stream::Estimates,
    ];

    /// The stream's name: its Kinesis stream, delivery stream, function crate and S3 prefix.
    pub fn name(self) -> &'static str {
        match self {
            Stream::Customers => "customers",
            Stream::Orders => "orders",
            Stream::OrderLines => "order-lines",
            Stream::Invoices => "invoices",
            Stream::InvoiceLines => "invoice-lines",
            Stream::Shipments => "shipments",
            Stream::ShippingAddresses => "shipping-addresses",
            Stream::VirtualRequests => "virtual-requests",
            Stream::Estimates => "estimates",
        }
    }

    /// The System One layout this stream writes.
    pub fn layout(self) -> &'static Layout {
        match self {
            Stream::Customers => &layout::CUS,
            Stream::Orders => &layout::ORD,
            Stream::OrderLines => &layout::OLN,
            Stream::Invoices => &layout::INV,
            Stream::InvoiceLines => &layout::ILN,
            Stream::Shipments => &layout::SHP,
            Stream::ShippingAddresses => &layout::SAD,
            Stream::VirtualRequests => &layout::VRQ,
            Stream::Estimates => &layout::EST,
        }
    }

    /// The stream named `name`, as written in [`Stream::name`].
    pub fn from_name(name: &str) -> Option<Stream> {
        Stream::ALL.into_iter().find(|stream| stream.name() == name)
    }

    /// The stream that carries a System Two entity (`order_line` → order-lines).
    pub fn for_entity(entity: &str) -> Option<Stream> {
        Stream::ALL.into_iter().find(|stream| stream.layout().entity == entity)
    }
}

impl std::fmt::Display for Stream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
