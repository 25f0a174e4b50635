//! The `order-lines` Firehose transformation Lambda: all the work is in the shared library.

fn main() -> std::process::ExitCode {
    shim::lambda::main(shim::Stream::OrderLines)
}
