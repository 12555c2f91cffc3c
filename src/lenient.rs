//! Reading JSON we do not control without ever failing on a field's shape.
//!
//! Stream adds fields, client SDKs put arbitrary custom data in calls, and a
//! signed event must never be refused for a field this crate does not need.
//! So every field read from an event or an answer is one of these types: the
//! value when it has the expected shape, `None` otherwise. Whatever is not
//! read is skipped by serde_json's iterative `ignore_value`, which has no depth
//! limit and keeps nothing (custom data nested 10,000 levels deep costs nothing).
//!
//! Structs built from these derive `Deserialize` with `#[serde(default)]`, so
//! a missing field is `None` as well.
//!
//! [`Text`] and [`Time`] hold a `String` by default; as `Text<Cow<'a, str>>`
//! they borrow from the JSON whenever it has no escapes (webhook events, a hot
//! path, read only what they pass on).

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// Where a lenient string is kept: `String`, or a `Cow` that borrows from the input.
pub trait Str<'de>: Sized {
  fn borrowed(text: &'de str) -> Self;
  fn owned(text: String) -> Self;
  /// Text that lives only as long as the call (unescaped into a scratch buffer).
  fn copied(text: &str) -> Self {
    Self::owned(text.to_string())
  }
}

impl<'de> Str<'de> for String {
  fn borrowed(text: &'de str) -> Self {
    text.to_string()
  }
  fn owned(text: String) -> Self {
    text
  }
}

impl<'de: 'a, 'a> Str<'de> for Cow<'a, str> {
  fn borrowed(text: &'de str) -> Self {
    Cow::Borrowed(text)
  }
  fn owned(text: String) -> Self {
    Cow::Owned(text)
  }
}

/// A string whose text is not needed (where a number or an object was expected).
impl<'de> Str<'de> for IgnoredAny {
  fn borrowed(_: &'de str) -> Self {
    IgnoredAny
  }
  fn owned(_: String) -> Self {
    IgnoredAny
  }
  fn copied(_: &str) -> Self {
    IgnoredAny
  }
}

/// A string when the JSON has one; `None` for any other value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text<S = String>(pub Option<S>);

impl<S> Default for Text<S> {
  fn default() -> Self {
    Text(None)
  }
}

/// An object read as `T` when the JSON has an object, `None` for any other
/// value. `T`'s fields must be lenient too, so reading it cannot fail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Object<T>(pub Option<T>);

impl<T> Default for Object<T> {
  fn default() -> Self {
    Object(None)
  }
}

/// A real moment, with its milliseconds since the epoch: an RFC 3339 string as
/// it is, or a number of nanoseconds since the epoch (which Stream's own SDK
/// decoder accepts too), written as RFC 3339. Anything else, and any time
/// before [`EARLIEST_REAL_TIME_MS`] (a placeholder), is `None`. This is the
/// one reader of every time the package returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Time<S = String>(pub Option<S>, pub i64);

impl<S> Default for Time<S> {
  fn default() -> Self {
    Time(None, 0)
  }
}

/// Times before this are placeholders, not real moments: Go's zero time
/// `0001-01-01T00:00:00Z` (what an unset `time.Time` serialises to), the Unix
/// epoch, and the like. Stream did not exist then.
pub const EARLIEST_REAL_TIME_MS: i64 = 946_684_800_000; // 2000-01-01T00:00:00Z

/// Milliseconds since the epoch of an RFC 3339 date-time (`2026-04-08T14:23:35.879421674Z`,
/// or with an offset), or `None` when `text` is not one.
pub fn unix_millis(text: &str) -> Option<i64> {
  let at = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()?;
  i64::try_from(at.unix_timestamp_nanos() / 1_000_000).ok()
}

/// The milliseconds of `text` when it is a real moment (RFC 3339, not a placeholder).
pub fn real_millis(text: &str) -> Option<i64> {
  unix_millis(text).filter(|ms| *ms >= EARLIEST_REAL_TIME_MS)
}

/// A whole number ≥ 0 when the JSON has one; `None` otherwise.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Count(pub Option<u64>);

/// A boolean when the JSON has one; `None` otherwise.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Flag(pub Option<bool>);

/// A list whose items are read as `T` (each lenient); `None` when not an array.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct List<T>(pub Option<Vec<T>>);

impl<T> Default for List<T> {
  fn default() -> Self {
    List(None)
  }
}

/// The shape of one JSON value, with an object read as `T` and a string kept as `S`.
enum Shape<T, I, S> {
  Str(S),
  Unsigned(u64),
  Signed(i64),
  Float(f64),
  Bool(bool),
  Obj(T),
  Arr(Vec<I>),
  Other,
}

/// Reads a value's shape; `KEEP_ITEMS` decides whether array items are read
/// as `I` or skipped.
struct ShapeVisitor<T, I, S, const KEEP_ITEMS: bool>(PhantomData<(T, I, S)>);

impl<'de, T: Deserialize<'de>, I: Deserialize<'de>, S: Str<'de>, const KEEP_ITEMS: bool> Visitor<'de> for ShapeVisitor<T, I, S, KEEP_ITEMS> {
  type Value = Shape<T, I, S>;

  fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
    f.write_str("any JSON value")
  }
  fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
    Ok(Shape::Str(S::borrowed(v)))
  }
  fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
    Ok(Shape::Str(S::copied(v)))
  }
  fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
    Ok(Shape::Str(S::owned(v)))
  }
  fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
    Ok(Shape::Unsigned(v))
  }
  fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
    Ok(Shape::Signed(v))
  }
  fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
    Ok(Shape::Float(v))
  }
  fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
    Ok(Shape::Bool(v))
  }
  fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
    Ok(Shape::Other)
  }
  fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
    Ok(Shape::Other)
  }
  fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
    d.deserialize_any(self)
  }
  fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
    if !KEEP_ITEMS {
      while seq.next_element::<IgnoredAny>()?.is_some() {}
      return Ok(Shape::Other);
    }
    let mut items = Vec::new();
    while let Some(item) = seq.next_element::<I>()? {
      items.push(item);
    }
    Ok(Shape::Arr(items))
  }
  fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
    T::deserialize(MapAccessDeserializer::new(map)).map(Shape::Obj)
  }
}

fn shape<'de, D: Deserializer<'de>, T: Deserialize<'de>, S: Str<'de>>(d: D) -> Result<Shape<T, IgnoredAny, S>, D::Error> {
  d.deserialize_any(ShapeVisitor::<T, IgnoredAny, S, false>(PhantomData))
}

impl<'de, S: Str<'de>> Deserialize<'de> for Text<S> {
  fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
    Ok(Text(match shape::<D, IgnoredAny, S>(d)? {
      Shape::Str(s) => Some(s),
      _ => None,
    }))
  }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
  fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
    Ok(Object(match shape::<D, T, IgnoredAny>(d)? {
      Shape::Obj(value) => Some(value),
      _ => None,
    }))
  }
}

impl<'de> Deserialize<'de> for Count {
  fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
    Ok(Count(match shape::<D, IgnoredAny, IgnoredAny>(d)? {
      Shape::Unsigned(n) => Some(n),
      _ => None,
    }))
  }
}

impl<'de> Deserialize<'de> for Flag {
  fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
    Ok(Flag(match shape::<D, IgnoredAny, IgnoredAny>(d)? {
      Shape::Bool(b) => Some(b),
      _ => None,
    }))
  }
}

impl<'de, S: Str<'de> + AsRef<str>> Deserialize<'de> for Time<S> {
  fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
    let nanos = match shape::<D, IgnoredAny, S>(d)? {
      Shape::Str(s) => {
        return Ok(match real_millis(s.as_ref()) {
          Some(ms) => Time(Some(s), ms),
          None => Time::default(),
        })
      }
      Shape::Unsigned(n) => i128::from(n),
      Shape::Signed(n) => i128::from(n),
      Shape::Float(n) if n.is_finite() && n.abs() < 1e30 => n as i128,
      _ => return Ok(Time::default()),
    };
    let ms = i64::try_from(nanos.div_euclid(1_000_000)).unwrap_or(i64::MIN);
    Ok(match from_nanos(nanos) {
      Some(text) if ms >= EARLIEST_REAL_TIME_MS => Time(Some(S::owned(text)), ms),
      _ => Time::default(),
    })
  }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
  fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
    Ok(List(match d.deserialize_any(ShapeVisitor::<IgnoredAny, T, IgnoredAny, true>(PhantomData))? {
      Shape::Arr(items) => Some(items),
      _ => None,
    }))
  }
}

/// RFC 3339 (UTC, nanosecond precision) of nanoseconds since the epoch.
fn from_nanos(nanos: i128) -> Option<String> {
  let at = time::OffsetDateTime::from_unix_timestamp_nanos(nanos).ok()?;
  at.format(&time::format_description::well_known::Rfc3339).ok()
}

#[cfg(test)]
mod tests {
  use serde::Deserialize;

  use super::*;

  #[derive(Deserialize, Default, Debug, PartialEq)]
  #[serde(default)]
  struct Inner {
    name: Text,
  }

  #[derive(Deserialize, Default, Debug, PartialEq)]
  #[serde(default)]
  struct Outer {
    text: Text,
    at: Time,
    n: Count,
    ok: Flag,
    inner: Object<Inner>,
    items: List<Text>,
  }

  fn read(json: &str) -> Outer {
    serde_json::from_str(json).unwrap()
  }

  #[test]
  fn right_shapes_are_read() {
    let o = read(r#"{"text":"t","at":"2026-04-08T14:23:35Z","n":7,"ok":true,"inner":{"name":"x","more":[1]},"items":["a",5,"b"],"extra":{}}"#);
    assert_eq!(o.text, Text(Some("t".into())));
    assert_eq!(o.at, Time(Some("2026-04-08T14:23:35Z".into()), 1_775_658_215_000));
    assert_eq!(o.n, Count(Some(7)));
    assert_eq!(o.ok, Flag(Some(true)));
    assert_eq!(o.inner, Object(Some(Inner { name: Text(Some("x".into())) })));
    assert_eq!(o.items, List(Some(vec![Text(Some("a".into())), Text(None), Text(Some("b".into()))])));
  }

  #[test]
  fn wrong_shapes_are_none_never_errors() {
    for v in ["null", "1", "-1", "1.5", "true", "\"s\"", "[]", "[[1],{\"a\":2}]", "{}", "{\"name\":[{}]}", "18446744073709551616"] {
      let json = format!(r#"{{"text":{v},"at":{v},"n":{v},"ok":{v},"inner":{v},"items":{v}}}"#);
      serde_json::from_str::<Outer>(&json).unwrap_or_else(|e| panic!("{v}: {e}"));
    }
    assert_eq!(read("{}"), Outer::default());
  }

  #[test]
  fn numeric_times_are_nanoseconds() {
    assert_eq!(read(r#"{"at":1775658215879421674}"#).at, Time(Some("2026-04-08T14:23:35.879421674Z".into()), 1_775_658_215_879));
    assert_eq!(read(r#"{"at":1e300}"#).at, Time::default());
  }

  #[test]
  fn placeholders_and_garbage_are_not_times() {
    for garbage in [
      r#""not a time""#,
      r#""javascript:alert(1)""#,
      r#""0001-01-01T00:00:00Z""#,
      r#""1970-01-01T00:00:00Z""#,
      r#""1999-12-31T23:59:59.999Z""#,
      r#""yesterday""#,
      r#""2026-04-08""#,
      r#""2026-04-08 14:23:35""#,
      r#""""#,
      "0",
      "-1",
      "-1775658215879421674",
      "946684799999999999",
      "-1.5e18",
    ] {
      assert_eq!(read(&format!(r#"{{"at":{garbage}}}"#)).at, Time::default(), "{garbage}");
    }
    assert_eq!(read(r#"{"at":"2000-01-01T00:00:00Z"}"#).at.1, EARLIEST_REAL_TIME_MS);
    assert_eq!(read(r#"{"at":"2026-04-08T16:23:35+02:00"}"#).at.1, 1_775_658_215_000, "offsets are kept as given");
  }

  #[test]
  fn cow_text_borrows_unless_the_json_escapes() {
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct Borrowing<'a> {
      #[serde(borrow)]
      plain: Text<Cow<'a, str>>,
      #[serde(borrow)]
      escaped: Text<Cow<'a, str>>,
      #[serde(borrow)]
      at: Time<Cow<'a, str>>,
    }
    let b: Borrowing = serde_json::from_str(r#"{"plain":"p","escaped":"e\"q","at":0}"#).unwrap();
    assert!(matches!(b.plain.0, Some(Cow::Borrowed("p"))));
    assert!(matches!(b.escaped.0.as_deref(), Some("e\"q")) && matches!(b.escaped.0, Some(Cow::Owned(_))));
    assert_eq!(b.at, Time::default(), "the epoch is a placeholder");
  }

  #[test]
  fn unread_values_have_no_depth_limit() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let json = format!(r#"{{"extra":{deep},"inner":{{"name":"x","deep":{deep}}},"text":{deep}}}"#);
    let o = read(&json);
    assert_eq!(o.inner.0.unwrap().name.0.as_deref(), Some("x"));
    assert_eq!(o.text, Text(None));
  }
}
