//! Reading the body field by field, in the order the image structs declare them: the entry
//! tables are converted record by record into the engine's entries as they are read, so that a
//! million records never exist twice in memory.

use serde::de::{DeserializeSeed, Error as _, SeqAccess, Visitor};
use serde::Deserialize;

use super::SnapshotError;

pub(super) type Input<'de> = postcard::Deserializer<'de, postcard::de_flavors::Slice<'de>>;

/// The next value of the body.
pub(super) fn next<'de, T: Deserialize<'de>>(
    input: &mut Input<'de>,
    what: &str,
) -> Result<T, SnapshotError> {
    T::deserialize(input).map_err(|error| decode_error(what, error))
}

/// The next sequence of records, each converted by `convert` (given its number, from 1).
pub(super) fn next_converted<'de, R, T>(
    input: &mut Input<'de>,
    what: &str,
    convert: impl FnMut(u64, R) -> Result<T, SnapshotError>,
) -> Result<Vec<T>, SnapshotError>
where
    R: Deserialize<'de>,
{
    let mut failure = None;
    let seed = Converted {
        convert,
        failure: &mut failure,
        _record: std::marker::PhantomData,
    };
    let result = seed.deserialize(input);
    match (result, failure) {
        (_, Some(error)) => Err(error),
        (Ok(entries), None) => Ok(entries),
        (Err(error), None) => Err(decode_error(what, error)),
    }
}

fn decode_error(what: &str, error: postcard::Error) -> SnapshotError {
    SnapshotError::Decode {
        detail: format!("{what}: {error}"),
    }
}

struct Converted<'f, R, F> {
    convert: F,
    /// The conversion's own error, kept whole (serde's error type would flatten it to text).
    failure: &'f mut Option<SnapshotError>,
    _record: std::marker::PhantomData<R>,
}

impl<'de, R, T, F> DeserializeSeed<'de> for Converted<'_, R, F>
where
    R: Deserialize<'de>,
    F: FnMut(u64, R) -> Result<T, SnapshotError>,
{
    type Value = Vec<T>;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Vec<T>, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, R, T, F> Visitor<'de> for Converted<'_, R, F>
where
    R: Deserialize<'de>,
    F: FnMut(u64, R) -> Result<T, SnapshotError>,
{
    type Value = Vec<T>;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("a sequence of records")
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<Vec<T>, A::Error> {
        // postcard's hint is the stored length, and only when the input can hold that many.
        let mut entries = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(record) = seq.next_element::<R>()? {
            match (self.convert)(entries.len() as u64 + 1, record) {
                Ok(entry) => entries.push(entry),
                Err(error) => {
                    let message = error.to_string();
                    *self.failure = Some(error);
                    return Err(A::Error::custom(message));
                }
            }
        }
        Ok(entries)
    }
}
