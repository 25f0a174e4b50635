use super::fit::FRAME;
use super::*;
use crate::config::Config;
use crate::firehose::FirehoseRecord;
use crate::Stream;
use base64::Engine;

fn transformer(stream: Stream) -> Transformer {
    Transformer::new(stream, Config::with_zone(None).unwrap())
}

fn event(datas: Vec<String>) -> FirehoseEvent<'static> {
    let records = datas
        .into_iter()
        .enumerate()
        .map(|(i, data)| FirehoseRecord {
            record_id: format!("id-{i}").into(),
            data: data.into(),
            ..FirehoseRecord::default()
        })
        .collect();
    FirehoseEvent { records, ..FirehoseEvent::default() }
}

fn b64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// A VRQ event whose line is larger than its input: 442 pipes, each escaped to two bytes.
fn swelling_vrq(n: usize) -> String {
    let notes = "|".repeat(250);
    let url = format!("https://{}", "|".repeat(192));
    b64(&format!(
        r#"{{"schemaVersion":2,"eventId":"e","eventType":"virtual_request.created","occurredAt":0,"data":{{"requestNumber":"R-{n}","orderNumber":"SO-1","itemNumber":"I","requestedAt":0,"status":"requested","artworkUrl":"{url}","notes":"{notes}"}}}}"#
    ))
}

#[test]
fn sizes_match_what_serde_json_writes() {
    let entries = [
        Entry::new("plain".into(), "eyJ9".into(), TransformOutcome::Dropped),
        Entry::new(
            "q\"u\\o\n\u{1}te".into(),
            "not \"base64\"\t\u{7f}é".into(),
            TransformOutcome::Failed(Reason::Base64),
        ),
        Entry::new(
            "ok".into(),
            "not \"base64\"\u{1}".into(),
            TransformOutcome::Ok { line: "CUS|A|é\n".into(), truncated: vec![] },
        ),
    ];
    for entry in &entries {
        assert_eq!(entry.size(), serde_json::to_vec(&entry.response).unwrap().len());
        let mut fallen_back = entry.response.clone();
        if let Some(original) = &entry.original {
            fallen_back.result = RecordResult::ProcessingFailed;
            fallen_back.data = original.to_string();
        }
        assert_eq!(entry.fallback_size(), serde_json::to_vec(&fallen_back).unwrap().len());
    }
    let response = FirehoseResponse { records: entries.iter().map(|e| e.response.clone()).collect() };
    let framed = FRAME + entries.len() - 1 + entries.iter().map(Entry::size).sum::<usize>();
    assert_eq!(framed, serde_json::to_vec(&response).unwrap().len());
}

#[test]
fn a_response_that_fits_is_left_alone() {
    let handled = process(&transformer(Stream::VirtualRequests), event(vec![swelling_vrq(1), "!".into()])).unwrap();
    let results: Vec<RecordResult> = handled.records.iter().map(|outcome| outcome.response.result).collect();
    assert_eq!(results, [RecordResult::Ok, RecordResult::ProcessingFailed]);
    let reasons: Vec<Option<Reason>> = handled.records.iter().map(|outcome| outcome.reason).collect();
    assert_eq!(reasons, [None, Some(Reason::Base64)]);
}

#[test]
fn records_that_do_not_fit_go_back_as_they_came() {
    let datas: Vec<String> = (0..6000).map(swelling_vrq).collect();
    let handled = process(&transformer(Stream::VirtualRequests), event(datas.clone())).unwrap();
    let response = handled.response();
    let records = &response.records;
    let serialised = serde_json::to_vec(&response).unwrap().len();
    assert!(serialised <= RESPONSE_LIMIT, "{serialised}");
    let kept = records.iter().take_while(|r| r.result == RecordResult::Ok).count();
    assert!(kept > 0 && kept < records.len(), "{kept}");
    for (i, record) in records.iter().enumerate() {
        assert_eq!(record.record_id, format!("id-{i}"));
        if i >= kept {
            assert_eq!(record.result, RecordResult::ProcessingFailed);
            assert_eq!(record.data, datas[i]);
            assert_eq!(handled.records[i].reason, Some(Reason::ResponseSizeLimit));
        }
    }
    // One more record kept as Ok would not have fitted.
    let first_out = Entry::new(
        "x".into(),
        datas[kept].clone().into(),
        transformer(Stream::VirtualRequests).transform(&datas[kept]),
    );
    let (actual, fallback) = (first_out.size(), first_out.fallback_size());
    assert!(serialised - fallback + actual + (format!("id-{kept}").len() - 1) > RESPONSE_LIMIT);
    assert_eq!(handled.summary.failed, records.len() - kept);
    assert_eq!(handled.summary.reasons.get("response-size-limit"), Some(&(records.len() - kept)));
}

#[test]
fn a_batch_that_cannot_fit_fails_the_invocation() {
    let datas = vec![String::new(); 120_000];
    let error = process(&transformer(Stream::Orders), event(datas)).unwrap_err();
    assert_eq!(error.records, 120_000);
    assert!(error.bytes > RESPONSE_LIMIT);
    assert!(error.to_string().contains("Firehose retries"));
}

#[test]
fn output_data_is_padded_standard_base64() {
    assert_eq!(firehose_data(b"A|\n"), "QXwK");
    assert_eq!(firehose_data(b"AB"), "QUI=");
}

proptest::proptest! {
    /// The SIMD engine writes what the `base64` crate's `STANDARD` engine writes.
    #[test]
    fn output_data_encodes_as_the_base64_crate_does(bytes in proptest::collection::vec(0u8.., 0..200)) {
        proptest::prop_assert_eq!(firehose_data(&bytes), base64::engine::general_purpose::STANDARD.encode(&bytes));
    }
}
