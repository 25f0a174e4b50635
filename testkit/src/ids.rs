//! Names and hashes that are the same on every machine and Rust version: object names, sample
//! invocation ids and retry jitter derive from them, so a run with a fixed clock is reproducible.

/// FNV-1a, 64 bits, fed byte by byte: a hash that is the same on every machine and Rust version.
#[derive(Debug, Clone, Copy)]
pub struct Fnv(u64);

impl Fnv {
    pub fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    /// Feeds bytes.
    pub fn write(mut self, bytes: &[u8]) -> Fnv {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        self
    }

    pub fn finish(self) -> u64 {
        self.0
    }
}

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv::new()
    }
}

/// FNV-1a of `parts`, each followed by a `0xff` byte (which no UTF-8 text holds), so that
/// `["ab", "c"]` and `["a", "bc"]` differ.
pub fn fnv1a(parts: &[&[u8]]) -> u64 {
    parts.iter().fold(Fnv::new(), |hash, part| hash.write(part).write(&[0xff])).finish()
}

/// A version-4-shaped UUID made from hashes of `parts` (Firehose ends object names with one).
pub fn uuid_like(parts: &[&[u8]]) -> String {
    let high = fnv1a(parts);
    let low = fnv1a(&[&high.to_be_bytes(), b"low"]);
    uuid_shaped(high, low)
}

/// 128 bits written as a version-4 UUID: the version and variant bits set, the rest kept.
pub fn uuid_shaped(high: u64, low: u64) -> String {
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

    #[test]
    fn fnv1a_is_the_published_function() {
        // FNV-1a 64 test vectors (http://www.isthe.com/chongo/tech/comp/fnv/).
        assert_eq!(Fnv::new().finish(), 0xcbf2_9ce4_8422_2325);
        assert_eq!(Fnv::new().write(b"a").finish(), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(Fnv::new().write(b"foobar").finish(), 0x8594_4171_f739_67e8);
        assert_eq!(fnv1a(&[b"ab", b"c"]), Fnv::new().write(b"ab\xffc\xff").finish());
        assert_ne!(fnv1a(&[b"ab", b"c"]), fnv1a(&[b"a", b"bc"]));
    }

    #[test]
    fn uuid_shaped_sets_version_and_variant() {
        assert_eq!(uuid_shaped(0, 0), "00000000-0000-4000-8000-000000000000");
        assert_eq!(uuid_shaped(u64::MAX, u64::MAX), "ffffffff-ffff-4fff-bfff-ffffffffffff");
    }
}
