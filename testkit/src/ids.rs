//! Names and hashes that are the same on every machine and Rust version: object names, sample
//! invocation ids and retry jitter derive from them, so a run with a fixed clock is reproducible.

/// FNV-1a, 64 bits: a hash that is the same on every machine and Rust version.
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

    #[test]
    fn uuid_like_is_stable_and_shaped() {
        let id = uuid_like(&[b"customers", b"1"]);
        assert_eq!(id, uuid_like(&[b"customers", b"1"]));
        assert_ne!(id, uuid_like(&[b"customers", b"2"]));
        let groups: Vec<usize> = id.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
        assert_eq!(id.chars().nth(14), Some('4'));
    }
}
