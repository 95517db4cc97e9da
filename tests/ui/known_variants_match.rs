// Matching an open enum reads naturally, and a known spelling is always its own variant.
use fincode::types::LoanTransferStatus;

fn describe(status: &LoanTransferStatus) -> String {
    match status {
        LoanTransferStatus::Completed => "done".to_owned(),
        LoanTransferStatus::Pending | LoanTransferStatus::Processing => "in flight".to_owned(),
        LoanTransferStatus::Failed => "failed".to_owned(),
        LoanTransferStatus::Unknown(value) => format!("unknown: {}", value.as_str()),
        _ => "newer".to_owned(),
    }
}

fn main() {
    assert_eq!(describe(&LoanTransferStatus::from("COMPLETED")), "done");
    assert_eq!(describe(&"REVERSED".parse().unwrap()), "unknown: REVERSED");
    let read: LoanTransferStatus = serde_json::from_str("\"REVERSED\"").unwrap();
    assert_eq!(serde_json::to_string(&read).unwrap(), "\"REVERSED\"");
}
