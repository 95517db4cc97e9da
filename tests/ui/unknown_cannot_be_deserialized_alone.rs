// Nor can it read an `UnknownValue` on its own, outside the enum that decides whether a spelling is known.
use fincode::types::UnknownValue;

fn main() {
    let _forged: UnknownValue = serde_json::from_str("\"COMPLETED\"").unwrap();
}
