//! Conversions between `wasmcloud:postgres/types.pg-value` and PostgreSQL's binary wire format.
//!
//! Parameters are encoded for the type the server inferred for them (the prepared statement's
//! parameter types), so a `text` value binds to a `$1::text` parameter, an integer to int2/int4/int8
//! and so on. Result columns are decoded from their raw bytes by column type.

use bytes::{BufMut as _, BytesMut};
use tokio_postgres::types::{FromSql, IsNull, ToSql, Type};
use tokio_postgres::Row;

use crate::bindings::wasmcloud::postgres::types::{
    Date, Offset, PgValue, ResultRowEntry, Time, Timestamp, TimestampTz,
};

type BoxError = Box<dyn std::error::Error + Sync + Send>;

/// A parameter already encoded in binary format (`None` is SQL NULL).
#[derive(Debug)]
pub struct Encoded(Option<Vec<u8>>);

impl ToSql for Encoded {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        match &self.0 {
            None => Ok(IsNull::Yes),
            Some(b) => {
                out.put_slice(b);
                Ok(IsNull::No)
            }
        }
    }
    fn accepts(_: &Type) -> bool {
        true
    }
    tokio_postgres::types::to_sql_checked!();
}

/// Raw bytes of a result column (`None` is SQL NULL).
struct Raw<'a>(Option<&'a [u8]>);

impl<'a> FromSql<'a> for Raw<'a> {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        Ok(Raw(Some(raw)))
    }
    fn from_sql_null(_: &Type) -> Result<Self, BoxError> {
        Ok(Raw(None))
    }
    fn accepts(_: &Type) -> bool {
        true
    }
}

fn f64_from_parts((mantissa, exponent, sign): (u64, i16, i8)) -> f64 {
    f64::from(sign) * (mantissa as f64) * 2f64.powi(i32::from(exponent))
}

/// `integer_decode` of an f64, as used by `hashable-f64`.
fn f64_to_parts(f: f64) -> (u64, i16, i8) {
    let bits = f.to_bits();
    let sign: i8 = if bits >> 63 == 0 { 1 } else { -1 };
    let mut exponent = ((bits >> 52) & 0x7ff) as i16;
    let mantissa = if exponent == 0 {
        (bits & 0xf_ffff_ffff_ffff) << 1
    } else {
        (bits & 0xf_ffff_ffff_ffff) | 0x10_0000_0000_0000
    };
    exponent -= 1023 + 52;
    (mantissa, exponent, sign)
}

fn is_text(ty: &Type) -> bool {
    [
        Type::TEXT,
        Type::VARCHAR,
        Type::BPCHAR,
        Type::NAME,
        Type::UNKNOWN,
        Type::XML,
    ]
    .contains(ty)
        || ty.name() == "citext"
}

fn text_bytes(s: &[u8], ty: &Type) -> Result<Vec<u8>, String> {
    if is_text(ty) || *ty == Type::JSON {
        Ok(s.to_vec())
    } else if *ty == Type::JSONB {
        let mut v = Vec::with_capacity(s.len() + 1);
        v.push(1);
        v.extend_from_slice(s);
        Ok(v)
    } else {
        Err(format!(
            "a text value cannot bind to a parameter of type {ty}"
        ))
    }
}

fn int_bytes(i: i64, ty: &Type) -> Result<Vec<u8>, String> {
    let range = |ok: bool| {
        if ok {
            Ok(())
        } else {
            Err(format!("{i} is out of range for type {ty}"))
        }
    };
    match *ty {
        Type::INT8 => Ok(i.to_be_bytes().to_vec()),
        Type::INT4 => range(i32::try_from(i).is_ok()).map(|()| (i as i32).to_be_bytes().to_vec()),
        Type::INT2 => range(i16::try_from(i).is_ok()).map(|()| (i as i16).to_be_bytes().to_vec()),
        Type::OID => range(u32::try_from(i).is_ok()).map(|()| (i as u32).to_be_bytes().to_vec()),
        Type::FLOAT8 => Ok((i as f64).to_be_bytes().to_vec()),
        Type::FLOAT4 => Ok((i as f32).to_be_bytes().to_vec()),
        Type::NUMERIC => Ok(numeric_bytes(&i.to_string())?),
        _ if is_text(ty) => Ok(i.to_string().into_bytes()),
        _ => Err(format!(
            "an integer value cannot bind to a parameter of type {ty}"
        )),
    }
}

fn float_bytes(f: f64, ty: &Type) -> Result<Vec<u8>, String> {
    match *ty {
        Type::FLOAT8 => Ok(f.to_be_bytes().to_vec()),
        Type::FLOAT4 => Ok((f as f32).to_be_bytes().to_vec()),
        _ if is_text(ty) => Ok(f.to_string().into_bytes()),
        _ => Err(format!(
            "a float value cannot bind to a parameter of type {ty}"
        )),
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y as i32, m, d)
}

/// Days between 1970-01-01 and PostgreSQL's epoch 2000-01-01.
const PG_EPOCH_DAYS: i64 = 10_957;
const DAY_MICROS: i64 = 86_400_000_000;

/// PostgreSQL date (days since 2000-01-01); `None` for the infinities.
fn pg_days(d: &Date) -> i64 {
    match d {
        Date::PositiveInfinity => i64::from(i32::MAX),
        Date::NegativeInfinity => i64::from(i32::MIN),
        Date::Ymd((y, m, d)) => days_from_civil(*y, *m, *d) - PG_EPOCH_DAYS,
    }
}

fn date_of(days: i32) -> Date {
    match days {
        i32::MAX => Date::PositiveInfinity,
        i32::MIN => Date::NegativeInfinity,
        d => Date::Ymd(civil_from_days(i64::from(d) + PG_EPOCH_DAYS)),
    }
}

fn time_micros(t: &Time) -> i64 {
    ((i64::from(t.hour) * 60 + i64::from(t.min)) * 60 + i64::from(t.sec)) * 1_000_000
        + i64::from(t.micro)
}

fn time_of(micros: i64) -> Time {
    let secs = micros / 1_000_000;
    Time {
        hour: (secs / 3600) as u32,
        min: (secs / 60 % 60) as u32,
        sec: (secs % 60) as u32,
        micro: (micros % 1_000_000) as u32,
    }
}

fn timestamp_micros(ts: &Timestamp) -> i64 {
    match ts.date {
        Date::PositiveInfinity => i64::MAX,
        Date::NegativeInfinity => i64::MIN,
        ref d => pg_days(d) * DAY_MICROS + time_micros(&ts.time),
    }
}

fn timestamp_of(micros: i64) -> Timestamp {
    match micros {
        i64::MAX => Timestamp {
            date: Date::PositiveInfinity,
            time: time_of(0),
        },
        i64::MIN => Timestamp {
            date: Date::NegativeInfinity,
            time: time_of(0),
        },
        m => Timestamp {
            date: date_of((m.div_euclid(DAY_MICROS)) as i32),
            time: time_of(m.rem_euclid(DAY_MICROS)),
        },
    }
}

/// Binary NUMERIC from a decimal string such as `-12.3400`.
fn numeric_bytes(s: &str) -> Result<Vec<u8>, String> {
    let bad = || format!("invalid numeric value {s:?}");
    let s = s.trim();
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if digits.eq_ignore_ascii_case("nan") {
        return Ok([
            0i16.to_be_bytes(),
            0i16.to_be_bytes(),
            0xC000u16.to_be_bytes(),
            0u16.to_be_bytes(),
        ]
        .concat());
    }
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if (int.is_empty() && frac.is_empty())
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let dscale = u16::try_from(frac.len()).map_err(|_| bad())?;
    // Pad the integer part on the left and the fraction on the right to groups of 4 digits.
    let int_pad = (4 - int.len() % 4) % 4;
    let frac_pad = (4 - frac.len() % 4) % 4;
    let all = format!("{}{int}{frac}{}", "0".repeat(int_pad), "0".repeat(frac_pad));
    let mut groups: Vec<i16> = all
        .as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap().parse().unwrap())
        .collect();
    let mut weight = ((int.len() + int_pad) / 4) as i16 - 1;
    while groups.first() == Some(&0) {
        groups.remove(0);
        weight -= 1;
    }
    while groups.last() == Some(&0) {
        groups.pop();
    }
    if groups.is_empty() {
        weight = 0;
    }
    let mut out = Vec::with_capacity(8 + groups.len() * 2);
    out.extend_from_slice(&(groups.len() as i16).to_be_bytes());
    out.extend_from_slice(&weight.to_be_bytes());
    out.extend_from_slice(
        &(if neg && !groups.is_empty() {
            0x4000u16
        } else {
            0
        })
        .to_be_bytes(),
    );
    out.extend_from_slice(&dscale.to_be_bytes());
    for g in groups {
        out.extend_from_slice(&g.to_be_bytes());
    }
    Ok(out)
}

/// Decimal string of a binary NUMERIC.
fn numeric_string(raw: &[u8]) -> Result<String, String> {
    let be16 = |i: usize| -> Result<i16, String> {
        raw.get(i..i + 2)
            .map(|b| i16::from_be_bytes([b[0], b[1]]))
            .ok_or_else(|| "truncated numeric".to_string())
    };
    let ndigits = be16(0)? as usize;
    let weight = be16(2)? as i32;
    let sign = be16(4)? as u16;
    let dscale = be16(6)? as usize;
    match sign {
        0xC000 => return Ok("NaN".into()),
        0xD000 => return Ok("Infinity".into()),
        0xF000 => return Ok("-Infinity".into()),
        _ => {}
    }
    let digits = (0..ndigits)
        .map(|i| be16(8 + 2 * i))
        .collect::<Result<Vec<_>, _>>()?;
    let group = |i: i32| -> i16 {
        if i >= 0 && (i as usize) < digits.len() {
            digits[i as usize]
        } else {
            0
        }
    };
    let mut int = String::new();
    for w in (0..=weight.max(0)).rev() {
        let idx = weight - w;
        if int.is_empty() {
            if weight >= 0 {
                int = group(idx).to_string();
            }
        } else {
            int.push_str(&format!("{:04}", group(idx)));
        }
    }
    if int.is_empty() {
        int.push('0');
    }
    let mut frac = String::new();
    let mut i = weight + 1;
    while frac.len() < dscale {
        frac.push_str(&format!("{:04}", group(i)));
        i += 1;
    }
    frac.truncate(dscale);
    let mut s = String::new();
    if sign == 0x4000 {
        s.push('-');
    }
    s.push_str(&int);
    if dscale > 0 {
        s.push('.');
        s.push_str(&frac);
    }
    Ok(s)
}

fn uuid_bytes(s: &str) -> Result<Vec<u8>, String> {
    let hex: String = s.chars().filter(|c| *c != '-').collect();
    if hex.len() != 32 {
        return Err(format!("invalid uuid {s:?}"));
    }
    (0..16)
        .map(|i| {
            u8::from_str_radix(&hex[2 * i..2 * i + 2], 16)
                .map_err(|_| format!("invalid uuid {s:?}"))
        })
        .collect()
}

fn uuid_string(b: &[u8]) -> String {
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    if h.len() != 32 {
        return h;
    }
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// Encodes `value` for a parameter of type `ty`.
pub fn encode(value: &PgValue, ty: &Type) -> Result<Encoded, String> {
    use PgValue as V;
    let bytes = match value {
        V::Null => return Ok(Encoded(None)),
        V::BigInt(i) | V::Int8(i) | V::BigSerial(i) | V::Serial8(i) => int_bytes(*i, ty)?,
        V::Integer(i) | V::Int(i) | V::Int4(i) => int_bytes(i64::from(*i), ty)?,
        V::Serial(i) | V::Serial4(i) => int_bytes(i64::from(*i), ty)?,
        V::SmallInt(i) | V::Int2(i) | V::SmallSerial(i) | V::Serial2(i) => {
            int_bytes(i64::from(*i), ty)?
        }
        V::Double(f) | V::Float8(f) | V::Real(f) | V::Float4(f) => {
            float_bytes(f64_from_parts(*f), ty)?
        }
        V::Bool(b) | V::Boolean(b) => match *ty {
            Type::BOOL => vec![u8::from(*b)],
            _ if is_text(ty) => b.to_string().into_bytes(),
            _ => {
                return Err(format!(
                    "a boolean value cannot bind to a parameter of type {ty}"
                ))
            }
        },
        V::Text(s) | V::Name(s) | V::Xml(s) => text_bytes(s.as_bytes(), ty)?,
        V::Char((_, b)) | V::Varchar((_, b)) => text_bytes(b, ty)?,
        V::Json(s) | V::Jsonb(s) => match *ty {
            Type::JSON | Type::JSONB => text_bytes(s.as_bytes(), ty)?,
            _ if is_text(ty) => s.clone().into_bytes(),
            _ => {
                return Err(format!(
                    "a json value cannot bind to a parameter of type {ty}"
                ))
            }
        },
        V::Numeric(s) | V::Decimal(s) => match *ty {
            Type::NUMERIC => numeric_bytes(s)?,
            _ if is_text(ty) => s.clone().into_bytes(),
            _ => {
                return Err(format!(
                    "a numeric value cannot bind to a parameter of type {ty}"
                ))
            }
        },
        V::Bytea(b) => match *ty {
            Type::BYTEA => b.to_vec(),
            _ => {
                return Err(format!(
                    "a bytea value cannot bind to a parameter of type {ty}"
                ))
            }
        },
        V::Uuid(s) => match *ty {
            Type::UUID => uuid_bytes(s)?,
            _ if is_text(ty) => s.clone().into_bytes(),
            _ => {
                return Err(format!(
                    "a uuid value cannot bind to a parameter of type {ty}"
                ))
            }
        },
        V::Date(d) => match *ty {
            Type::DATE => (pg_days(d) as i32).to_be_bytes().to_vec(),
            _ => {
                return Err(format!(
                    "a date value cannot bind to a parameter of type {ty}"
                ))
            }
        },
        V::Timestamp(ts) => match *ty {
            Type::TIMESTAMP | Type::TIMESTAMPTZ => timestamp_micros(ts).to_be_bytes().to_vec(),
            _ => {
                return Err(format!(
                    "a timestamp value cannot bind to a parameter of type {ty}"
                ))
            }
        },
        V::TimestampTz(TimestampTz { timestamp, offset }) => match *ty {
            Type::TIMESTAMPTZ | Type::TIMESTAMP => {
                let offset_secs = match offset {
                    Offset::EasternHemisphereSecs(s) => i64::from(*s),
                    Offset::WesternHemisphereSecs(s) => -i64::from(*s),
                };
                let local = timestamp_micros(timestamp);
                let utc = if local == i64::MAX || local == i64::MIN {
                    local
                } else {
                    local - offset_secs * 1_000_000
                };
                utc.to_be_bytes().to_vec()
            }
            _ => {
                return Err(format!(
                    "a timestamp-tz value cannot bind to a parameter of type {ty}"
                ))
            }
        },
        other => {
            let name = format!("{other:?}");
            let name = name
                .split(['(', ' '])
                .next()
                .unwrap_or_default()
                .to_string();
            return Err(format!("unsupported type {name} (parameter type {ty})"));
        }
    };
    Ok(Encoded(Some(bytes)))
}

fn decode(ty: &Type, raw: &[u8]) -> Result<PgValue, String> {
    let fixed = |n: usize| -> Result<&[u8], String> {
        if raw.len() == n {
            Ok(raw)
        } else {
            Err(format!("bad {ty} value of {} bytes", raw.len()))
        }
    };
    let text = || String::from_utf8(raw.to_vec()).map_err(|_| format!("{ty} value is not UTF-8"));
    Ok(match *ty {
        Type::BOOL => PgValue::Bool(fixed(1)?[0] != 0),
        Type::INT2 => PgValue::Int2(i16::from_be_bytes(fixed(2)?.try_into().unwrap())),
        Type::INT4 => PgValue::Int4(i32::from_be_bytes(fixed(4)?.try_into().unwrap())),
        Type::INT8 => PgValue::Int8(i64::from_be_bytes(fixed(8)?.try_into().unwrap())),
        Type::OID => PgValue::Int8(i64::from(u32::from_be_bytes(fixed(4)?.try_into().unwrap()))),
        Type::FLOAT4 => PgValue::Float4(f64_to_parts(f64::from(f32::from_be_bytes(
            fixed(4)?.try_into().unwrap(),
        )))),
        Type::FLOAT8 => PgValue::Float8(f64_to_parts(f64::from_be_bytes(
            fixed(8)?.try_into().unwrap(),
        ))),
        Type::NUMERIC => PgValue::Numeric(numeric_string(raw)?),
        Type::JSON => PgValue::Json(text()?),
        Type::JSONB => match raw.split_first() {
            Some((1, rest)) => PgValue::Jsonb(
                String::from_utf8(rest.to_vec())
                    .map_err(|_| "jsonb value is not UTF-8".to_string())?,
            ),
            _ => return Err("unsupported jsonb encoding".into()),
        },
        Type::BYTEA => PgValue::Bytea(raw.to_vec().into()),
        Type::UUID => PgValue::Uuid(uuid_string(fixed(16)?)),
        Type::DATE => PgValue::Date(date_of(i32::from_be_bytes(fixed(4)?.try_into().unwrap()))),
        Type::TIME => PgValue::Time(time_of(i64::from_be_bytes(fixed(8)?.try_into().unwrap()))),
        Type::TIMESTAMP => PgValue::Timestamp(timestamp_of(i64::from_be_bytes(
            fixed(8)?.try_into().unwrap(),
        ))),
        Type::TIMESTAMPTZ => PgValue::TimestampTz(TimestampTz {
            timestamp: timestamp_of(i64::from_be_bytes(fixed(8)?.try_into().unwrap())),
            offset: Offset::EasternHemisphereSecs(0),
        }),
        _ if is_text(ty) => PgValue::Text(text()?),
        _ => {
            return Err(format!(
                "unsupported result column type {ty} (cast it, e.g. to ::text)"
            ))
        }
    })
}

/// Converts a result row.
pub fn result_row(row: &Row) -> Result<Vec<ResultRowEntry>, String> {
    row.columns()
        .iter()
        .enumerate()
        .map(|(i, col)| {
            let Raw(raw) = row
                .try_get::<_, Raw<'_>>(i)
                .map_err(|e| format!("column {}: {e}", col.name()))?;
            let value = match raw {
                None => PgValue::Null,
                Some(raw) => {
                    decode(col.type_(), raw).map_err(|e| format!("column {}: {e}", col.name()))?
                }
            };
            Ok(ResultRowEntry {
                column_name: col.name().to_string(),
                value,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_round_trip() {
        for s in [
            "0",
            "1",
            "-12.3400",
            "10000",
            "123456789.000001",
            "0.0001",
            "-0.5",
        ] {
            assert_eq!(
                numeric_string(&numeric_bytes(s).unwrap()).unwrap(),
                s.trim_start_matches('+')
            );
        }
    }

    #[test]
    fn dates_round_trip() {
        assert_eq!(days_from_civil(2000, 1, 1), PG_EPOCH_DAYS);
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
        assert_eq!(f64_from_parts(f64_to_parts(-1.25)), -1.25);
    }
}
