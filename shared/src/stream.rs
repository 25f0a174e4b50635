//! The nine streams: each a Kinesis stream, a Firehose delivery stream and a Lambda function,
//! and each turning one System Two entity into one System One record type.
//!
//! The list is the layout table: a stream's name, entity and record type are fields of its
//! [`Layout`]. `Stream` is the typed handle into that table, declared once below.

use crate::layout::{self, Layout};

/// Declares `Stream`, `Stream::ALL` and `Stream::layout` from one list of (variant, layout).
macro_rules! streams {
    ($($variant:ident => $layout:ident),* $(,)?) => {
        /// One entity's pipeline. A function binary names its stream and nothing else.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Stream {
            $($variant),*
        }

        impl Stream {
            /// Every stream, in the order of the spec's stream table.
            pub const ALL: [Stream; [$(stringify!($variant)),*].len()] = [$(Stream::$variant),*];

            /// The System One layout this stream writes: the stream's row of the table.
            pub fn layout(self) -> &'static Layout {
                match self {
                    $(Stream::$variant => &layout::$layout),*
                }
            }
        }
    };
}

streams! {
    Customers => CUS,
    Orders => ORD,
    OrderLines => OLN,
    Invoices => INV,
    InvoiceLines => ILN,
    Shipments => SHP,
    ShippingAddresses => SAD,
    VirtualRequests => VRQ,
    Estimates => EST,
}

impl Stream {
    /// The stream's name, as its row of the layout table gives it ([`Layout::stream`]).
    pub fn name(self) -> &'static str {
        self.layout().stream
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
