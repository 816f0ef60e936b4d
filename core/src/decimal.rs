//! Exact decimal helpers: parsing, formatting and serde adapters.
//!
//! Every point, value and threshold in chamdiem is a [`Decimal`]. In JSON a decimal is written
//! as a string (`"0.5"`); a JSON integer (`2`) is accepted on input because it is exact, but a
//! JSON number with a fraction or an exponent is refused, because most JSON readers turn it into
//! a binary float before we could see its digits.

use rust_decimal::{Decimal, RoundingStrategy};
use std::str::FromStr;

/// Parses a decimal written in plain notation (`"-0.25"`, `"90"`, `"1_000.5"`), or in
/// scientific notation (`"5e-1"`), exactly.
pub fn parse_decimal(text: &str) -> Result<Decimal, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("an empty string is not a decimal".into());
    }
    let cleaned: std::borrow::Cow<'_, str> = if t.contains('_') {
        t.replace('_', "").into()
    } else {
        t.into()
    };
    let c = cleaned.as_ref();
    let c = c.strip_prefix('+').unwrap_or(c);
    let valid_chars = c
        .chars()
        .all(|ch| ch.is_ascii_digit() || matches!(ch, '.' | '-' | 'e' | 'E' | '+'));
    if !valid_chars || !c.chars().any(|ch| ch.is_ascii_digit()) {
        return Err(format!("`{text}` is not a decimal number"));
    }
    if c.contains(['e', 'E']) {
        Decimal::from_scientific(c).map_err(|_| format!("`{text}` is not a decimal number"))
    } else {
        Decimal::from_str(c).map_err(|e| match e {
            rust_decimal::Error::ExceedsMaximumPossibleValue
            | rust_decimal::Error::LessThanMinimumPossibleValue => {
                format!("`{text}` is too large for a 96-bit decimal")
            }
            _ => format!("`{text}` is not a decimal number"),
        })
    }
}

/// Formats points: exact, trailing zeros removed (`0.30` → `"0.3"`, `2.00` → `"2"`).
pub fn fmt_points(d: Decimal) -> String {
    d.normalize().to_string()
}

/// Rounds half away from zero to `dp` decimal places and pads to exactly `dp` places
/// (`33.3333` → `33.33`, `90` → `90.00`).
pub fn round_display(d: Decimal, dp: u32) -> Decimal {
    let mut r = d.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(dp);
    r
}

/// The serde adapter for a [`Decimal`] written as a string (integers accepted on input).
pub mod serde_str {
    use super::*;
    use serde::{Deserializer, Serializer, de};

    /// Serializes as a string, keeping the value's scale (`"0.50"` stays `"0.50"`).
    pub fn serialize<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(d)
    }

    /// Deserializes from a string or an integer; refuses binary floats.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        d.deserialize_any(DecimalVisitor)
    }

    pub(crate) struct DecimalVisitor;

    impl de::Visitor<'_> for DecimalVisitor {
        type Value = Decimal;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a decimal written as a string, such as \"0.5\"")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
            parse_decimal(v).map_err(E::custom)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
            Ok(Decimal::from(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
            Ok(Decimal::from(v))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
            Err(E::custom(format!(
                "the number {v} must be written as a string (\"{v}\"): decimals are exact and a \
                 JSON number with a fraction may already have been rounded to a binary float"
            )))
        }
    }
}

/// The serde adapter for an optional [`Decimal`] written as a string.
pub mod serde_opt {
    use super::*;
    use serde::{Deserializer, Serializer, de};

    /// Serializes `None` as `null`, a value as a string.
    pub fn serialize<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.collect_str(d),
            None => s.serialize_none(),
        }
    }

    /// Deserializes `null` as `None`, otherwise as [`super::serde_str`].
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        struct V;
        impl<'de> de::Visitor<'de> for V {
            type Value = Option<Decimal>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("null or a decimal written as a string, such as \"0.5\"")
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
                serde_str::deserialize(d).map(Some)
            }
        }
        d.deserialize_option(V)
    }
}

/// Serializes a [`Decimal`] in its normalized form (for computed points).
pub mod serde_points {
    use super::*;
    use serde::{Deserializer, Serializer};

    /// Serializes normalized (`"0.3"`, not `"0.30"`).
    pub fn serialize<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&d.normalize())
    }
    /// Deserializes as [`super::serde_str`].
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        super::serde_str::deserialize(d)
    }
}

/// Serializes an optional [`Decimal`] in its normalized form.
pub mod serde_points_opt {
    use super::*;
    use serde::{Deserializer, Serializer};

    /// Serializes `None` as `null`, a value normalized.
    pub fn serialize<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.collect_str(&d.normalize()),
            None => s.serialize_none(),
        }
    }
    /// Deserializes as [`super::serde_opt`].
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        super::serde_opt::deserialize(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exactly() {
        assert_eq!(parse_decimal("0.1").unwrap().to_string(), "0.1");
        assert_eq!(parse_decimal("-0.25").unwrap().to_string(), "-0.25");
        assert_eq!(parse_decimal("+3").unwrap().to_string(), "3");
        assert_eq!(parse_decimal("5e-1").unwrap().to_string(), "0.5");
        assert_eq!(parse_decimal("1_000.5").unwrap().to_string(), "1000.5");
        assert!(parse_decimal("").is_err());
        assert!(parse_decimal("abc").is_err());
        assert!(parse_decimal("1.2.3").is_err());
        assert!(parse_decimal("NaN").is_err());
        assert!(parse_decimal("99999999999999999999999999999999").is_err());
    }

    #[test]
    fn display_rounding_is_half_away_from_zero() {
        let d = |s| parse_decimal(s).unwrap();
        assert_eq!(round_display(d("89.995"), 2).to_string(), "90.00");
        assert_eq!(round_display(d("-0.125"), 2).to_string(), "-0.13");
        assert_eq!(round_display(d("90"), 2).to_string(), "90.00");
        assert_eq!(fmt_points(d("0.30")), "0.3");
        assert_eq!(fmt_points(d("2.00")), "2");
    }

    #[test]
    fn json_floats_are_refused() {
        #[derive(serde::Deserialize)]
        struct P {
            #[serde(with = "serde_str")]
            p: Decimal,
        }
        assert_eq!(
            serde_json::from_str::<P>(r#"{"p":"0.1"}"#)
                .unwrap()
                .p
                .to_string(),
            "0.1"
        );
        assert_eq!(
            serde_json::from_str::<P>(r#"{"p":2}"#)
                .unwrap()
                .p
                .to_string(),
            "2"
        );
        let err = serde_json::from_str::<P>(r#"{"p":0.1}"#)
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("must be written as a string"), "{err}");
    }
}
