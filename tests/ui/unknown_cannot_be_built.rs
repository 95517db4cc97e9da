// A program using the client cannot make an open enum's unknown variant itself: `UnknownValue` has no
// public constructor, so a spelling the enum knows can never hide in `Unknown`.
use fincode::types::{LoanTransferStatus, UnknownValue};

fn main() {
    let _forged = LoanTransferStatus::Unknown(UnknownValue("COMPLETED".to_owned()));
}
