//! Progress bars on standard error, drawn only when it is a terminal and `--quiet` is not given.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

fn bar(length: Option<u64>, template: &str, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(length, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// A bar over the input's bytes, a spinner when the total is unknown (standard input).
pub(super) fn over_bytes(total: Option<u64>, quiet: bool) -> ProgressBar {
    match total {
        Some(total) => bar(Some(total), "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta} {msg}", quiet),
        None => bar(None, "{spinner} {bytes} read {bytes_per_sec} {elapsed}", quiet),
    }
}

/// A spinner while the sources are listed; [`listed`] turns it into a bar.
pub(super) fn listing(quiet: bool) -> ProgressBar {
    bar(None, "{spinner} listing the error output {elapsed}", quiet)
}

pub(super) fn listed(bar: &ProgressBar, bytes: u64) {
    bar.set_length(bytes);
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} of error output {bytes_per_sec} eta {eta}")
    {
        bar.set_style(style);
    }
}
