//! `money-float`: a money-named numeric property must be `format: decimal`.

use serde_json::Value;

use super::walk::{entries, Walk};
use crate::diagnostic::{Diagnostic, Rule};
use crate::load::Spec;
use crate::pointer::push;

/// Words that make a property name a money name: `totalCheckOutAmount`, `fee`, `fx_rate`, `total-amount`.
const MONEY_WORDS: [&str; 17] = [
    "amount",
    "amounts",
    "balance",
    "charge",
    "charges",
    "cost",
    "fee",
    "fees",
    "income",
    "interest",
    "payable",
    "penalty",
    "price",
    "principal",
    "rate",
    "salary",
    "total",
];

pub(super) fn check(spec: &Spec, walk: &Walk<'_>, out: &mut Vec<Diagnostic>) {
    for site in &walk.schemas {
        for (name, prop) in entries(site.schema.get("properties")) {
            if !is_money_name(name) || prop.get("type").and_then(Value::as_str) != Some("number") {
                continue;
            }
            let format = prop.get("format").and_then(Value::as_str);
            if format != Some("decimal") {
                let shown = format.map_or("no format".to_owned(), |f| format!("`format: {f}`"));
                out.push(spec.diagnostic(
                    Rule::MoneyFloat,
                    push(&push(&site.pointer, "properties"), name),
                    format!("money field `{name}` is a number with {shown}: use `format: decimal`"),
                ));
            }
        }
    }
}

fn is_money_name(name: &str) -> bool {
    heck::AsSnakeCase(name)
        .to_string()
        .split('_')
        .any(|word| MONEY_WORDS.contains(&word))
}

#[cfg(test)]
mod tests {
    use super::is_money_name;

    #[test]
    fn money_names() {
        for name in [
            "amount",
            "totalCheckOutAmount",
            "fxRate",
            "total-amount",
            "loan_fee",
            "BALANCE",
        ] {
            assert!(is_money_name(name), "{name}");
        }
        for name in [
            "durationCounter",
            "numberOfUnitsToPurchase",
            "accurate",
            "feedback",
            "currency",
        ] {
            assert!(!is_money_name(name), "{name}");
        }
    }
}
