//! Step 1 of a record's path: Firehose `data` (base64 text) to the event document's text.
//!
//! Base64 with `base64-simd` (SSE/AVX2 on x86_64, NEON on arm64, chosen at run time): decoding
//! every record's `data` was about 5% of the orders function's instructions per batch with the
//! scalar `base64` crate. Its `STANDARD` engine is as strict as the spec: padding required,
//! no white space, non-zero trailing bits rejected (the tests below pin each).

use base64_simd::STANDARD;

use crate::Reason;

/// Decodes Firehose `data`: standard alphabet, `=` padding, no white space (RFC 4648 §4).
///
/// Only the one canonical spelling passes: padding only to complete the last group, zero
/// trailing bits in the last character (the spec, clarified 2026-11-30).
pub(crate) fn base64(data: &str) -> Result<Vec<u8>, Reason> {
    STANDARD.decode_to_vec(data).map_err(|_| Reason::Base64)
}

/// The record's bytes as UTF-8 text; overlong forms, encoded surrogates and code points above
/// U+10FFFF are all invalid UTF-8 and fail here. A byte order mark fails here too: the spec
/// forbids it, and an operator looking for an encoding problem should find it under `bad-utf8`.
pub(crate) fn utf8(bytes: &[u8]) -> Result<&str, Reason> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        return Err(Reason::Utf8);
    }
    std::str::from_utf8(bytes).map_err(|_| Reason::Utf8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_padded_standard_base64() {
        assert_eq!(base64("eyJhIjoxfQ=="), Ok(b"{\"a\":1}".to_vec()));
        assert_eq!(base64("+/8="), Ok(vec![0xfb, 0xff]));
    }

    #[test]
    fn rejects_everything_else() {
        for bad in ["eyJhIjoxfQ", "eyJhIjoxfQ=", "eyJh IjoxfQ==", "-_8=", "eyJhIjoxfQ==\n", "e===", "!!!!"] {
            assert_eq!(base64(bad), Err(Reason::Base64), "{bad:?}");
        }
    }

    #[test]
    fn rejects_non_zero_trailing_bits() {
        assert_eq!(base64("QQ=="), Ok(b"A".to_vec()));
        assert_eq!(base64("QR=="), Err(Reason::Base64));
    }

    #[test]
    fn rejects_invalid_utf8() {
        for bad in [&b"\xff"[..], b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe2\x82"] {
            assert_eq!(utf8(bad), Err(Reason::Utf8), "{bad:?}");
        }
        assert_eq!(utf8("é".as_bytes()), Ok("é"));
        assert_eq!(utf8(b"\xEF\xBB\xBF{}"), Err(Reason::Utf8));
    }

    #[test]
    fn empty_data_decodes_to_nothing() {
        assert_eq!(base64(""), Ok(Vec::new()));
    }

    proptest::proptest! {
        /// The SIMD engine accepts exactly what the `base64` crate's strict `STANDARD` engine
        /// accepted before it, and decodes to the same bytes: speed changes no result.
        #[test]
        fn decodes_as_the_base64_crate_did(data in "[A-Za-z0-9+/=\\- _\n]{0,40}") {
            use base64::Engine;
            let before = base64::engine::general_purpose::STANDARD.decode(&data).map_err(|_| Reason::Base64);
            proptest::prop_assert_eq!(base64(&data), before);
        }

        #[test]
        fn decodes_valid_data_as_the_base64_crate_did(bytes in proptest::collection::vec(0u8.., 0..200)) {
            use base64::Engine;
            let data = base64::engine::general_purpose::STANDARD.encode(&bytes);
            proptest::prop_assert_eq!(base64(&data), Ok(bytes));
        }
    }
}
