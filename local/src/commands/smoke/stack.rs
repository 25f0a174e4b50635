//! The deployed stack as the smoke test reads it: its CloudFormation outputs (infra/README.md,
//! "Outputs"), never names of our own. A missing stack or output stops the command (exit 2)
//! naming it, before any check runs.

use std::collections::BTreeMap;

use shim::Stream;

use super::aws::Aws;

/// Why the stack cannot be used: no check runs, the command exits 2.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StackError {
    /// DescribeStacks found no such stack (CloudFormation's `ValidationError`).
    #[error("--stack {stack}: no such stack in this account and region ({code})")]
    NoStack { stack: String, code: String },
    /// DescribeStacks failed otherwise: no credentials, access denied, no network.
    #[error("--stack {stack}: cannot read the stack's outputs (cloudformation:DescribeStacks): {code}")]
    Unreadable { stack: String, code: String },
    /// An output the checks need is missing.
    #[error("stack {stack} has no output {output} (deployed from an older infra/? deploy again)")]
    NoOutput { stack: String, output: String },
    /// `ApiAuthMode` holds a value no API of ours has.
    #[error("stack {stack}: output ApiAuthMode is {value:?}, not api-key, iam or iam-and-api-key")]
    UnknownAuthMode { stack: String, value: String },
}

impl StackError {
    /// A stable machine code, for scripts and logs.
    pub fn code(&self) -> &'static str {
        match self {
            StackError::NoStack { .. } => "no-stack",
            StackError::Unreadable { .. } => "stack-unreadable",
            StackError::NoOutput { .. } => "no-output",
            StackError::UnknownAuthMode { .. } => "unknown-auth-mode",
        }
    }
}

/// How System Two authenticates to the API (`ApiAuthMode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum AuthMode {
    ApiKey,
    Iam,
    IamAndApiKey,
}

impl AuthMode {
    fn parse(text: &str) -> Option<AuthMode> {
        match text {
            "api-key" => Some(AuthMode::ApiKey),
            "iam" => Some(AuthMode::Iam),
            "iam-and-api-key" => Some(AuthMode::IamAndApiKey),
            _ => None,
        }
    }

    pub(super) fn uses_key(self) -> bool {
        self != AuthMode::Iam
    }

    pub(super) fn signs(self) -> bool {
        self != AuthMode::ApiKey
    }
}

/// One stream's resources.
#[derive(Debug, Clone)]
pub(super) struct StreamOutputs {
    pub(super) stream: Stream,
    pub(super) function: String,
    pub(super) log_group: String,
    /// `None` with the direct-put source.
    pub(super) kinesis: Option<String>,
}

/// The outputs a smoke test needs.
#[derive(Debug, Clone)]
pub(super) struct Stack {
    pub(super) name: String,
    pub(super) endpoint: String,
    pub(super) auth: AuthMode,
    pub(super) api_key_id: Option<String>,
    pub(super) bucket: String,
    pub(super) topic: String,
    pub(super) test_alarm: String,
    pub(super) replay_role: String,
    pub(super) streams: Vec<StreamOutputs>,
}

/// `order-lines` -> `OrderLines`, as the stack names its per-stream outputs.
pub(super) fn pascal(stream: Stream) -> String {
    stream
        .name()
        .split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map(|first| first.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect()
}

/// Reads the stack's outputs; `streams` empty means every stream the stack has.
pub(super) async fn read(aws: &Aws, name: &str, streams: &[Stream]) -> Result<Stack, StackError> {
    let response = aws.cloudformation.describe_stacks().stack_name(name).send().await.map_err(|error| {
        let code = crate::aws::error_code(&error);
        if code == "ValidationError" {
            StackError::NoStack { stack: name.to_owned(), code }
        } else {
            StackError::Unreadable { stack: name.to_owned(), code }
        }
    })?;
    let Some(stack) = response.stacks().first() else {
        return Err(StackError::NoStack { stack: name.to_owned(), code: "no stack in the answer".to_owned() });
    };
    let outputs: BTreeMap<String, String> = stack
        .outputs()
        .iter()
        .filter_map(|o| Some((o.output_key()?.to_owned(), o.output_value()?.to_owned())))
        .collect();
    from_outputs(name, &outputs, streams)
}

fn from_outputs(name: &str, outputs: &BTreeMap<String, String>, streams: &[Stream]) -> Result<Stack, StackError> {
    let need = |key: &str| {
        outputs.get(key).cloned().ok_or_else(|| StackError::NoOutput { stack: name.to_owned(), output: key.to_owned() })
    };
    let auth_text = need("ApiAuthMode")?;
    let auth = AuthMode::parse(&auth_text)
        .ok_or_else(|| StackError::UnknownAuthMode { stack: name.to_owned(), value: auth_text.clone() })?;
    let api_key_id = if auth.uses_key() { Some(need("ApiKeyId")?) } else { None };
    let chosen: Vec<Stream> = if streams.is_empty() {
        Stream::ALL.iter().copied().filter(|s| outputs.contains_key(&format!("{}FunctionName", pascal(*s)))).collect()
    } else {
        streams.to_vec()
    };
    if chosen.is_empty() {
        // Not a System One shim stack: name the first stream's output.
        return Err(StackError::NoOutput { stack: name.to_owned(), output: "CustomersFunctionName".to_owned() });
    }
    let mut per_stream = Vec::new();
    for stream in chosen {
        let p = pascal(stream);
        per_stream.push(StreamOutputs {
            stream,
            function: need(&format!("{p}FunctionName"))?,
            log_group: need(&format!("{p}LogGroupName"))?,
            kinesis: outputs.get(&format!("{p}KinesisStreamName")).cloned(),
        });
    }
    Ok(Stack {
        name: name.to_owned(),
        endpoint: need("ApiEndpoint")?.trim_end_matches('/').to_owned(),
        auth,
        api_key_id,
        bucket: need("DataBucketName")?,
        topic: need("AlarmTopicArn")?,
        test_alarm: need("TestAlarmName")?,
        replay_role: need("ReplayRoleArn")?,
        streams: per_stream,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_names_and_missing_outputs() {
        assert_eq!(pascal(Stream::ShippingAddresses), "ShippingAddresses");
        assert_eq!(pascal(Stream::Orders), "Orders");
        let mut outputs: BTreeMap<String, String> = [
            ("ApiAuthMode", "iam"),
            ("ApiEndpoint", "https://x/v1/events/"),
            ("DataBucketName", "b"),
            ("AlarmTopicArn", "t"),
            ("TestAlarmName", "a"),
            ("ReplayRoleArn", "r"),
            ("OrdersFunctionName", "f"),
            ("OrdersLogGroupName", "/aws/lambda/f"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        let stack = from_outputs("s", &outputs, &[]).map_err(|e| e.to_string());
        let stack = stack.as_ref().map(|s| (s.endpoint.as_str(), s.streams.len(), s.api_key_id.is_none()));
        assert_eq!(stack, Ok(("https://x/v1/events", 1, true)));
        let missing = from_outputs("s", &outputs, &[Stream::Customers]).map(|_| ()).map_err(|e| e.to_string());
        assert_eq!(
            missing,
            Err("stack s has no output CustomersFunctionName (deployed from an older infra/? deploy again)".into())
        );
        outputs.insert("ApiAuthMode".into(), "api-key".into());
        let no_key = from_outputs("s", &outputs, &[]).map(|_| ()).map_err(|e| e.to_string());
        assert_eq!(no_key, Err("stack s has no output ApiKeyId (deployed from an older infra/? deploy again)".into()));
    }
}
