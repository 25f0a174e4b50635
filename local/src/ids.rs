//! Names and hashes that are the same on every machine and Rust version: object names, replay
//! journal ids, Kinesis fallback partition keys and retry jitter derive from them, so a replay
//! names its outputs the same way on a rerun and a run with a fixed clock is reproducible.
//!
//! The tool's own copy (not `testkit`'s, a test-only crate): what ships links no test code.

/// FNV-1a, 64 bits, of `parts`, each followed by a `0xff` byte (which no UTF-8 text holds), so
/// that `["ab", "c"]` and `["a", "bc"]` differ.
pub fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.iter().chain(std::iter::once(&0xff)) {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// A version-4-shaped UUID made from hashes of `parts` (Firehose ends object names with one).
pub fn uuid_like(parts: &[&[u8]]) -> String {
    let high = fnv1a(parts);
    let low = fnv1a(&[&high.to_be_bytes(), b"low"]);
    let high = (high & 0xffff_ffff_ffff_0fff) | 0x4000;
    let low = (low & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xffff,
        high & 0xffff,
        low >> 48,
        low & 0xffff_ffff_ffff
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names of objects already in buckets derive from these: they must never change.
    #[test]
    fn same_values_as_ever() {
        assert_eq!(fnv1a(&[]), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(&[b"a"]), testkit::ids::fnv1a(&[b"a"]));
        assert_eq!(fnv1a(&[b"ab", b"c"]), testkit::ids::fnv1a(&[b"ab", b"c"]));
        assert_eq!(uuid_like(&[b"customers", b"1"]), testkit::ids::uuid_like(&[b"customers", b"1"]));
        let groups: Vec<usize> = uuid_like(&[b"x"]).split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
    }
}
