//! RSA-OAEP encryption of sensitive request fields with the tenant's public key.

use std::fmt;
use std::sync::Arc;

use aws_lc_rs::rsa::{OaepPublicEncryptingKey, PublicEncryptingKey, OAEP_SHA256_MGF1SHA256};
use base64::Engine as _;
use serde_json::value::RawValue;

/// A public key that encrypts field values with RSA-OAEP (SHA-256, MGF1 with SHA-256),
/// the scheme Java names `RSA/ECB/OAEPWithSHA-256AndMGF1Padding`: UTF-8 text in,
/// standard base64 ciphertext out.
///
/// Give it to [`ClientBuilder::encryption_key`](super::ClientBuilder::encryption_key) to
/// encrypt, in every request, the fields the API description marks as encrypted; or call
/// [`EncryptionKey::encrypt`] to fill a field yourself.
#[derive(Clone)]
pub struct EncryptionKey {
    key: Arc<OaepPublicEncryptingKey>,
}

/// Why a key could not be read or a value could not be encrypted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct EncryptionError {
    message: String,
}

impl EncryptionError {
    fn new(message: impl Into<String>) -> Self {
        EncryptionError {
            message: message.into(),
        }
    }
}

impl fmt::Debug for EncryptionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EncryptionKey")
            .field("bits", &self.key.key_size_bits())
            .finish()
    }
}

impl EncryptionKey {
    /// Reads a public key in base64 DER (X.509 `SubjectPublicKeyInfo`), as the dashboard
    /// shows it; whitespace, line breaks and PEM armour lines are ignored.
    pub fn from_base64(text: &str) -> Result<Self, EncryptionError> {
        let body: String = text
            .lines()
            .filter(|line| !line.trim_start().starts_with("-----"))
            .flat_map(|line| line.chars().filter(|c| !c.is_whitespace()))
            .collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(body)
            .map_err(|e| EncryptionError::new(format!("the public key is not base64: {e}")))?;
        Self::from_der(&der)
    }

    /// Reads a public key in DER (X.509 `SubjectPublicKeyInfo`).
    pub fn from_der(der: &[u8]) -> Result<Self, EncryptionError> {
        let key = PublicEncryptingKey::from_der(der).map_err(|e| {
            EncryptionError::new(format!(
                "the public key is not an RSA SubjectPublicKeyInfo: {e}"
            ))
        })?;
        let key = OaepPublicEncryptingKey::new(key)
            .map_err(|_| EncryptionError::new("the public key cannot be used for RSA-OAEP"))?;
        Ok(EncryptionKey { key: Arc::new(key) })
    }

    /// Encrypts `plaintext` (its UTF-8 bytes) and returns the ciphertext in base64.
    pub fn encrypt(&self, plaintext: &str) -> Result<String, EncryptionError> {
        let max = self.key.max_plaintext_size(&OAEP_SHA256_MGF1SHA256);
        if plaintext.len() > max {
            return Err(EncryptionError::new(format!(
                "a value of {} bytes is too long to encrypt with a {}-bit key (at most {max} bytes)",
                plaintext.len(),
                self.key.key_size_bits()
            )));
        }
        let mut out = vec![0; self.key.ciphertext_size()];
        let ciphertext = self
            .key
            .encrypt(
                &OAEP_SHA256_MGF1SHA256,
                plaintext.as_bytes(),
                &mut out,
                None,
            )
            .map_err(|_| EncryptionError::new("RSA-OAEP encryption failed"))?;
        Ok(base64::engine::general_purpose::STANDARD.encode(ciphertext))
    }

    /// Encrypts, in the JSON document `body`, the string at each of `pointers` (`*`
    /// standing for every array item); members that are absent or `null` are left as
    /// they are, and every other byte of the document is kept.
    pub(crate) fn encrypt_json(
        &self,
        body: &[u8],
        pointers: &[&str],
    ) -> Result<Vec<u8>, EncryptionError> {
        let mut document: Box<RawValue> = serde_json::from_slice(body)
            .map_err(|e| EncryptionError::new(format!("the body is not JSON: {e}")))?;
        for pointer in pointers {
            let segments: Vec<&str> = pointer.split('/').skip(1).collect();
            document = self.encrypt_at(document, &segments, pointer)?;
        }
        Ok(document.get().as_bytes().to_vec())
    }

    fn encrypt_at(
        &self,
        value: Box<RawValue>,
        segments: &[&str],
        pointer: &str,
    ) -> Result<Box<RawValue>, EncryptionError> {
        let raw = |text: String| {
            RawValue::from_string(text).map_err(|e| EncryptionError::new(e.to_string()))
        };
        let Some((first, rest)) = segments.split_first() else {
            return match serde_json::from_str::<Option<String>>(value.get()) {
                Ok(Some(text)) => {
                    let encrypted = self.encrypt(&text)?;
                    raw(serde_json::Value::String(encrypted).to_string())
                }
                Ok(None) => Ok(value),
                Err(_) => Err(EncryptionError::new(format!(
                    "the value at `{pointer}` is not a string"
                ))),
            };
        };
        if *first == "*" {
            let Ok(items) = serde_json::from_str::<Vec<Box<RawValue>>>(value.get()) else {
                return Ok(value);
            };
            let items = items
                .into_iter()
                .map(|item| self.encrypt_at(item, rest, pointer))
                .collect::<Result<Vec<_>, _>>()?;
            let text =
                serde_json::to_string(&items).map_err(|e| EncryptionError::new(e.to_string()))?;
            return raw(text);
        }
        let Ok(mut members) = serde_json::from_str::<Members>(value.get()) else {
            return Ok(value);
        };
        let key = first.replace("~1", "/").replace("~0", "~");
        if let Some(slot) = members.0.iter_mut().find(|(name, _)| *name == key) {
            let member = std::mem::replace(&mut slot.1, raw("null".to_owned())?);
            slot.1 = self.encrypt_at(member, rest, pointer)?;
        }
        let text =
            serde_json::to_string(&members).map_err(|e| EncryptionError::new(e.to_string()))?;
        raw(text)
    }
}

/// The members of a JSON object in their order, each value kept as written.
struct Members(Vec<(String, Box<RawValue>)>);

impl<'de> serde::Deserialize<'de> for Members {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Members;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Members, A::Error> {
                let mut members = Vec::new();
                while let Some(entry) = map.next_entry::<String, Box<RawValue>>()? {
                    members.push(entry);
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

impl serde::Serialize for Members {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use aws_lc_rs::encoding::AsDer;
    use aws_lc_rs::rsa::{KeySize, OaepPrivateDecryptingKey, PrivateDecryptingKey};

    use super::*;

    fn pair() -> (EncryptionKey, OaepPrivateDecryptingKey) {
        let private = PrivateDecryptingKey::generate(KeySize::Rsa2048).expect("key pair");
        let der = private.public_key().as_der().expect("der");
        let text = base64::engine::general_purpose::STANDARD.encode(der.as_ref());
        let public = EncryptionKey::from_base64(&text).expect("public key");
        (
            public,
            OaepPrivateDecryptingKey::new(private).expect("oaep key"),
        )
    }

    fn decrypt(private: &OaepPrivateDecryptingKey, ciphertext: &str) -> String {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(ciphertext)
            .expect("base64 ciphertext");
        let mut out = vec![0; private.min_output_size()];
        let plain = private
            .decrypt(&OAEP_SHA256_MGF1SHA256, &bytes, &mut out, None)
            .expect("decrypts");
        String::from_utf8(plain.to_vec()).expect("utf-8")
    }

    #[test]
    fn encrypts_so_that_the_private_key_decrypts() {
        let (public, private) = pair();
        let once = public.encrypt("Password@1").expect("encrypts");
        let twice = public.encrypt("Password@1").expect("encrypts");
        assert_ne!(once, twice, "OAEP is randomised");
        assert_eq!(decrypt(&private, &once), "Password@1");
        assert_eq!(decrypt(&private, &twice), "Password@1");
        assert_eq!(format!("{public:?}"), "EncryptionKey { bits: 2048 }");
    }

    #[test]
    fn encrypts_the_marked_members_and_keeps_the_rest() {
        let (public, private) = pair();
        let body = br#"{"email":"a@b.c","currentPassword":"pw1","amount":100.10,"pins":["1","2",null],"nested":{"pin":"9"},"gone":null}"#;
        let out = public
            .encrypt_json(
                body,
                &[
                    "/currentPassword",
                    "/pins/*",
                    "/nested/pin",
                    "/gone",
                    "/absent",
                ],
            )
            .expect("encrypts");
        let value: serde_json::Value = serde_json::from_slice(&out).expect("json");
        let text = String::from_utf8(out.clone()).expect("utf-8");
        assert!(
            text.starts_with(r#"{"email":"a@b.c","currentPassword":""#),
            "{text}"
        );
        assert!(text.contains(r#""amount":100.10,"#), "{text}");
        assert!(text.ends_with(r#""gone":null}"#), "{text}");
        let field = |pointer: &str| {
            value
                .pointer(pointer)
                .and_then(|v| v.as_str())
                .map(|c| decrypt(&private, c))
        };
        assert_eq!(field("/currentPassword").as_deref(), Some("pw1"));
        assert_eq!(field("/pins/0").as_deref(), Some("1"));
        assert_eq!(field("/pins/1").as_deref(), Some("2"));
        assert_eq!(value.pointer("/pins/2"), Some(&serde_json::Value::Null));
        assert_eq!(field("/nested/pin").as_deref(), Some("9"));
    }

    #[test]
    fn bad_keys_and_values_are_errors() {
        let (public, _) = pair();
        let not_base64 = EncryptionKey::from_base64("%%%").map(drop);
        assert!(
            matches!(&not_base64, Err(e) if e.to_string().starts_with("the public key is not base64")),
            "{not_base64:?}"
        );
        let not_a_key = EncryptionKey::from_base64("AAAA").map(drop);
        assert!(
            matches!(&not_a_key, Err(e) if e.to_string().starts_with("the public key is not an RSA")),
            "{not_a_key:?}"
        );
        let long = "x".repeat(300);
        let too_long = public.encrypt(&long).map(drop);
        assert_eq!(
            too_long.map_err(|e| e.to_string()),
            Err("a value of 300 bytes is too long to encrypt with a 2048-bit key (at most 190 bytes)".to_owned())
        );
        let number = public.encrypt_json(br#"{"pin":1234}"#, &["/pin"]).map(drop);
        assert_eq!(
            number.map_err(|e| e.to_string()),
            Err("the value at `/pin` is not a string".to_owned())
        );
    }
}
