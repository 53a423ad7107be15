//! Serde straight into the engine's value: any `Serialize` type becomes the [`regorus::Value`]
//! that parsing its `serde_json` text would give, without writing or lexing that text.
//!
//! The policies must see a snapshot exactly as the typed model serialises it (every field
//! present, defaults filled in: a missing field would make a rule undefined, a silent PASS).
//! Going through text costs a serialisation and a parse, which dominate the run time on large
//! accounts; this serializer builds the value directly, and a test holds it equal to the
//! text route on the example snapshots and a generated one.
//!
//! It follows `serde_json`'s data model: structs and maps are objects, sequences and tuples
//! arrays, unit variants strings, other variants `{variant: content}`, `None`/unit/non-finite
//! floats `null`, and integers as `serde_json` would read them back (non-negative → unsigned).
//! Object keys (field names, map keys) are interned: a homogeneous collection of N objects
//! shares one allocation per key, as regorus's own JSON parser does. Empty arrays and objects
//! are shared too: a snapshot holds hundreds of thousands (every statement's `NotAction`,
//! every resource without tags), each its own allocation otherwise (issue 24). Sharing is
//! safe: regorus copies a shared value before changing it.

use std::collections::{BTreeMap, HashMap};

use regorus::Value;
use serde::ser::{self, Serialize};

/// Converts `value` to a regorus value (see the module documentation).
pub fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<Value, ConvertError> {
    let mut converter = Converter::default();
    value.serialize(&mut converter)
}

/// Why a value cannot be converted (a custom `Serialize` error, or a non-string map key).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConvertError(String);

impl ser::Error for ConvertError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        ConvertError(msg.to_string())
    }
}

/// String values up to this length are interned like keys.
const SHARED_STRING_MAX: usize = 40;

/// Conversion state: the interned object keys and short string values, and the one empty
/// array and empty object.
#[derive(Default)]
pub struct Converter {
    keys: HashMap<String, Value>,
    empty_array: Option<Value>,
    empty_object: Option<Value>,
}

impl Converter {
    fn empty_array(&mut self) -> Value {
        self.empty_array.get_or_insert_with(|| Value::from(Vec::<Value>::new())).clone()
    }

    fn empty_object(&mut self) -> Value {
        self.empty_object.get_or_insert_with(|| Value::from(BTreeMap::<Value, Value>::new())).clone()
    }

    fn key(&mut self, key: &str) -> Value {
        if let Some(v) = self.keys.get(key) {
            return v.clone();
        }
        let v = Value::from(key);
        self.keys.insert(key.to_owned(), v.clone());
        v
    }
}

fn int(v: i64) -> Value {
    // serde_json reads a non-negative integer back as unsigned.
    match u64::try_from(v) {
        Ok(u) => Value::from(u),
        Err(_) => Value::from(v),
    }
}

fn float(v: f64) -> Value {
    // serde_json writes a non-finite float as null.
    if v.is_finite() {
        Value::from(v)
    } else {
        Value::Null
    }
}

impl<'a> ser::Serializer for &'a mut Converter {
    type Ok = Value;
    type Error = ConvertError;
    type SerializeSeq = SeqBuilder<'a>;
    type SerializeTuple = SeqBuilder<'a>;
    type SerializeTupleStruct = SeqBuilder<'a>;
    type SerializeTupleVariant = VariantBuilder<SeqBuilder<'a>>;
    type SerializeMap = MapBuilder<'a>;
    type SerializeStruct = MapBuilder<'a>;
    type SerializeStructVariant = VariantBuilder<MapBuilder<'a>>;

    fn serialize_bool(self, v: bool) -> Result<Value, ConvertError> {
        Ok(Value::from(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Value, ConvertError> {
        Ok(int(v.into()))
    }
    fn serialize_i16(self, v: i16) -> Result<Value, ConvertError> {
        Ok(int(v.into()))
    }
    fn serialize_i32(self, v: i32) -> Result<Value, ConvertError> {
        Ok(int(v.into()))
    }
    fn serialize_i64(self, v: i64) -> Result<Value, ConvertError> {
        Ok(int(v))
    }
    fn serialize_i128(self, v: i128) -> Result<Value, ConvertError> {
        match (u64::try_from(v), i64::try_from(v)) {
            (Ok(u), _) => Ok(Value::from(u)),
            (_, Ok(i)) => Ok(Value::from(i)),
            _ => Ok(Value::from(v)),
        }
    }
    fn serialize_u8(self, v: u8) -> Result<Value, ConvertError> {
        Ok(Value::from(u64::from(v)))
    }
    fn serialize_u16(self, v: u16) -> Result<Value, ConvertError> {
        Ok(Value::from(u64::from(v)))
    }
    fn serialize_u32(self, v: u32) -> Result<Value, ConvertError> {
        Ok(Value::from(u64::from(v)))
    }
    fn serialize_u64(self, v: u64) -> Result<Value, ConvertError> {
        Ok(Value::from(v))
    }
    fn serialize_u128(self, v: u128) -> Result<Value, ConvertError> {
        Ok(u64::try_from(v).map(Value::from).unwrap_or_else(|_| Value::from(v)))
    }
    fn serialize_f32(self, v: f32) -> Result<Value, ConvertError> {
        Ok(float(f64::from(v)))
    }
    fn serialize_f64(self, v: f64) -> Result<Value, ConvertError> {
        Ok(float(v))
    }
    fn serialize_char(self, v: char) -> Result<Value, ConvertError> {
        Ok(Value::from(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<Value, ConvertError> {
        // Short strings repeat (regions, account ids, effects, actions, tag values): shared.
        Ok(if v.len() <= SHARED_STRING_MAX { self.key(v) } else { Value::from(v) })
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Value, ConvertError> {
        Ok(Value::from(v.iter().map(|b| Value::from(u64::from(*b))).collect::<Vec<_>>()))
    }
    fn serialize_none(self) -> Result<Value, ConvertError> {
        Ok(Value::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Value, ConvertError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Value, ConvertError> {
        Ok(Value::Null)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Value, ConvertError> {
        Ok(Value::Null)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Value, ConvertError> {
        Ok(Value::from(variant))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Value, ConvertError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Value, ConvertError> {
        let key = self.key(variant);
        let content = value.serialize(&mut *self)?;
        Ok(Value::from(BTreeMap::from([(key, content)])))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqBuilder<'a>, ConvertError> {
        Ok(SeqBuilder { conv: self, items: Vec::with_capacity(len.unwrap_or(0)) })
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqBuilder<'a>, ConvertError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<SeqBuilder<'a>, ConvertError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<VariantBuilder<SeqBuilder<'a>>, ConvertError> {
        let key = self.key(variant);
        Ok(VariantBuilder { key, inner: self.serialize_seq(Some(len))? })
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<MapBuilder<'a>, ConvertError> {
        Ok(MapBuilder { conv: self, map: BTreeMap::new(), next_key: None })
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<MapBuilder<'a>, ConvertError> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<VariantBuilder<MapBuilder<'a>>, ConvertError> {
        let key = self.key(variant);
        Ok(VariantBuilder { key, inner: self.serialize_map(Some(len))? })
    }
}

/// An array being built.
pub struct SeqBuilder<'a> {
    conv: &'a mut Converter,
    items: Vec<Value>,
}

impl SeqBuilder<'_> {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ConvertError> {
        self.items.push(value.serialize(&mut *self.conv)?);
        Ok(())
    }
    fn finish(self) -> Value {
        if self.items.is_empty() {
            return self.conv.empty_array();
        }
        Value::from(self.items)
    }
}

impl ser::SerializeSeq for SeqBuilder<'_> {
    type Ok = Value;
    type Error = ConvertError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ConvertError> {
        self.push(value)
    }
    fn end(self) -> Result<Value, ConvertError> {
        Ok(self.finish())
    }
}

impl ser::SerializeTuple for SeqBuilder<'_> {
    type Ok = Value;
    type Error = ConvertError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ConvertError> {
        self.push(value)
    }
    fn end(self) -> Result<Value, ConvertError> {
        Ok(self.finish())
    }
}

impl ser::SerializeTupleStruct for SeqBuilder<'_> {
    type Ok = Value;
    type Error = ConvertError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ConvertError> {
        self.push(value)
    }
    fn end(self) -> Result<Value, ConvertError> {
        Ok(self.finish())
    }
}

/// An object being built (struct fields or map entries; a later duplicate key wins, as in
/// `serde_json`'s own map).
pub struct MapBuilder<'a> {
    conv: &'a mut Converter,
    map: BTreeMap<Value, Value>,
    next_key: Option<Value>,
}

impl MapBuilder<'_> {
    fn finish(self) -> Value {
        if self.map.is_empty() {
            return self.conv.empty_object();
        }
        Value::from(self.map)
    }
}

impl ser::SerializeMap for MapBuilder<'_> {
    type Ok = Value;
    type Error = ConvertError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), ConvertError> {
        self.next_key = Some(key.serialize(KeySerializer { conv: &mut *self.conv })?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ConvertError> {
        let key = self.next_key.take().ok_or_else(|| ConvertError("map value without a key".to_owned()))?;
        let value = value.serialize(&mut *self.conv)?;
        self.map.insert(key, value);
        Ok(())
    }
    fn end(self) -> Result<Value, ConvertError> {
        Ok(self.finish())
    }
}

impl ser::SerializeStruct for MapBuilder<'_> {
    type Ok = Value;
    type Error = ConvertError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> Result<(), ConvertError> {
        let key = self.conv.key(name);
        let value = value.serialize(&mut *self.conv)?;
        self.map.insert(key, value);
        Ok(())
    }
    fn end(self) -> Result<Value, ConvertError> {
        Ok(self.finish())
    }
}

/// `{variant: content}` for tuple and struct variants.
pub struct VariantBuilder<B> {
    key: Value,
    inner: B,
}

impl ser::SerializeTupleVariant for VariantBuilder<SeqBuilder<'_>> {
    type Ok = Value;
    type Error = ConvertError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ConvertError> {
        self.inner.push(value)
    }
    fn end(self) -> Result<Value, ConvertError> {
        Ok(Value::from(BTreeMap::from([(self.key, self.inner.finish())])))
    }
}

impl ser::SerializeStructVariant for VariantBuilder<MapBuilder<'_>> {
    type Ok = Value;
    type Error = ConvertError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> Result<(), ConvertError> {
        ser::SerializeStruct::serialize_field(&mut self.inner, name, value)
    }
    fn end(self) -> Result<Value, ConvertError> {
        Ok(Value::from(BTreeMap::from([(self.key, self.inner.finish())])))
    }
}

/// Map keys: strings (interned); numbers, booleans and chars become their text, as
/// `serde_json` writes them; anything else is an error, as in `serde_json`.
struct KeySerializer<'a> {
    conv: &'a mut Converter,
}

impl KeySerializer<'_> {
    fn text(self, s: &str) -> Result<Value, ConvertError> {
        Ok(self.conv.key(s))
    }
}

fn key_error() -> ConvertError {
    ConvertError("key must be a string".to_owned())
}

impl ser::Serializer for KeySerializer<'_> {
    type Ok = Value;
    type Error = ConvertError;
    type SerializeSeq = ser::Impossible<Value, ConvertError>;
    type SerializeTuple = ser::Impossible<Value, ConvertError>;
    type SerializeTupleStruct = ser::Impossible<Value, ConvertError>;
    type SerializeTupleVariant = ser::Impossible<Value, ConvertError>;
    type SerializeMap = ser::Impossible<Value, ConvertError>;
    type SerializeStruct = ser::Impossible<Value, ConvertError>;
    type SerializeStructVariant = ser::Impossible<Value, ConvertError>;

    fn serialize_str(self, v: &str) -> Result<Value, ConvertError> {
        self.text(v)
    }
    fn serialize_char(self, v: char) -> Result<Value, ConvertError> {
        self.text(&v.to_string())
    }
    fn serialize_bool(self, v: bool) -> Result<Value, ConvertError> {
        self.text(if v { "true" } else { "false" })
    }
    fn serialize_i8(self, v: i8) -> Result<Value, ConvertError> {
        self.text(&v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Result<Value, ConvertError> {
        self.text(&v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Result<Value, ConvertError> {
        self.text(&v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Result<Value, ConvertError> {
        self.text(&v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Result<Value, ConvertError> {
        self.text(&v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Result<Value, ConvertError> {
        self.text(&v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Result<Value, ConvertError> {
        self.text(&v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<Value, ConvertError> {
        self.text(&v.to_string())
    }
    fn serialize_f32(self, _v: f32) -> Result<Value, ConvertError> {
        Err(key_error())
    }
    fn serialize_f64(self, _v: f64) -> Result<Value, ConvertError> {
        Err(key_error())
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<Value, ConvertError> {
        Err(key_error())
    }
    fn serialize_none(self) -> Result<Value, ConvertError> {
        Err(key_error())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<Value, ConvertError> {
        Err(key_error())
    }
    fn serialize_unit(self) -> Result<Value, ConvertError> {
        Err(key_error())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Value, ConvertError> {
        Err(key_error())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Value, ConvertError> {
        self.text(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Value, ConvertError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<Value, ConvertError> {
        Err(key_error())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, ConvertError> {
        Err(key_error())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, ConvertError> {
        Err(key_error())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, ConvertError> {
        Err(key_error())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, ConvertError> {
        Err(key_error())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, ConvertError> {
        Err(key_error())
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeStruct, ConvertError> {
        Err(key_error())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, ConvertError> {
        Err(key_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use serde_json::json;

    fn via_text<T: Serialize>(v: &T) -> Value {
        Value::from_json_str(&serde_json::to_string(v).unwrap()).unwrap()
    }

    /// Every shape of the serde data model converts to what parsing its JSON text gives.
    #[test]
    fn matches_the_text_route() {
        #[derive(Serialize)]
        #[serde(rename_all = "snake_case")]
        enum E {
            Unit,
            New(i32),
            Tuple(u8, String),
            Struct { a: Option<bool> },
        }
        #[derive(Serialize)]
        struct Inner {
            x: f64,
        }
        #[derive(Serialize)]
        struct S {
            neg: i64,
            pos: i64,
            big: u64,
            float: f64,
            nan: f64,
            none: Option<String>,
            text: String,
            chars: char,
            bytes: Vec<u8>,
            tuple: (u8, bool),
            enums: Vec<E>,
            map: BTreeMap<String, Vec<u32>>,
            int_keys: BTreeMap<u32, bool>,
            #[serde(flatten)]
            flat: BTreeMap<String, String>,
            inner: Inner,
            json: serde_json::Value,
        }
        let s = S {
            neg: -5,
            pos: 5,
            big: u64::MAX,
            float: 1.0,
            nan: f64::NAN,
            none: None,
            text: "héllo \"q\"".into(),
            chars: 'c',
            bytes: vec![1, 2],
            tuple: (7, true),
            enums: vec![E::Unit, E::New(-1), E::Tuple(3, "t".into()), E::Struct { a: Some(false) }],
            map: BTreeMap::from([("k".into(), vec![1, 2]), ("j".into(), vec![])]),
            int_keys: BTreeMap::from([(10, true)]),
            flat: BTreeMap::from([("extra".into(), "x".into())]),
            inner: Inner { x: 2.5 },
            json: json!({"Statement": [{"Effect": "Allow", "n": 1.5, "z": null}]}),
        };
        assert_eq!(to_value(&s).unwrap(), via_text(&s));
    }

    /// Keys are interned: equal keys share one allocation.
    #[test]
    fn object_keys_are_shared() {
        let v = to_value(&json!([{"name": "a"}, {"name": "b"}])).unwrap();
        let keys: Vec<*const u8> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|o| match o.as_object().unwrap().iter().next().unwrap().0 {
                Value::String(s) => s.as_ptr(),
                _ => std::ptr::null(),
            })
            .collect();
        assert_eq!(keys[0], keys[1]);
    }
}
