//! Programs that use the generated client, compiled by `trybuild` as a crate of their own: an open enum
//! matches naturally and round-trips values it does not know, but its unknown variant cannot be built (or
//! its `UnknownValue` read alone), so `Status::Unknown("ACTIVE")` can never stand beside `Status::Active`.

#[test]
fn open_enums_match_but_their_unknown_variant_cannot_be_built() {
    let cases = trybuild::TestCases::new();
    cases.pass("ui/known_variants_match.rs");
    cases.compile_fail("ui/unknown_cannot_be_built.rs");
    cases.compile_fail("ui/unknown_cannot_be_deserialized_alone.rs");
}
