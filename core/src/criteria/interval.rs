//! Value ranges of banded criteria, written in interval notation: `[90, 100]`, `[70, 90)`,
//! `(90,)` (an empty side is unbounded).

use crate::decimal::parse_decimal;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;

/// One end of an interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bound {
    /// The end value.
    pub value: Decimal,
    /// Whether the end value itself belongs to the interval.
    pub inclusive: bool,
}

/// A range of measured values, each end open, closed or unbounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    /// The lower end; `None` is unbounded below.
    pub lower: Option<Bound>,
    /// The upper end; `None` is unbounded above.
    pub upper: Option<Bound>,
}

impl Interval {
    /// The closed interval `[min, max]` (either end may be unbounded).
    pub fn closed(min: Option<Decimal>, max: Option<Decimal>) -> Self {
        Interval {
            lower: min.map(|value| Bound {
                value,
                inclusive: true,
            }),
            upper: max.map(|value| Bound {
                value,
                inclusive: true,
            }),
        }
    }

    /// Parses interval notation: `[a, b]`, `[a, b)`, `(a, b]`, `(a, b)`, with an empty side
    /// meaning unbounded (`[90,)`, `(, 50)`).
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "`{text}` is not an interval: write it like \"[90, 100]\", \"[70, 90)\" or \"(90,)\""
            )
        };
        let t = text.trim();
        let (open, rest) = match t.chars().next() {
            Some(c @ ('[' | '(')) => (c, &t[1..]),
            _ => return Err(bad()),
        };
        let (body, close) = match rest.chars().last() {
            Some(c @ (']' | ')')) => (&rest[..rest.len() - 1], c),
            _ => return Err(bad()),
        };
        let (lo, hi) = body.split_once(',').ok_or_else(bad)?;
        if hi.contains(',') {
            return Err(bad());
        }
        let side = |s: &str, inclusive: bool| -> Result<Option<Bound>, String> {
            let s = s.trim();
            if s.is_empty() {
                Ok(None)
            } else {
                parse_decimal(s)
                    .map(|value| Some(Bound { value, inclusive }))
                    .map_err(|e| format!("in interval `{text}`: {e}"))
            }
        };
        Ok(Interval {
            lower: side(lo, open == '[')?,
            upper: side(hi, close == ']')?,
        })
    }

    /// Whether `v` lies in the interval.
    pub fn contains(&self, v: Decimal) -> bool {
        let lo_ok = match self.lower {
            None => true,
            Some(b) => v > b.value || (b.inclusive && v == b.value),
        };
        let hi_ok = match self.upper {
            None => true,
            Some(b) => v < b.value || (b.inclusive && v == b.value),
        };
        lo_ok && hi_ok
    }

    /// Whether no value lies in the interval.
    pub fn is_empty(&self) -> bool {
        match (self.lower, self.upper) {
            (Some(l), Some(u)) => match l.value.cmp(&u.value) {
                Ordering::Greater => true,
                Ordering::Equal => !(l.inclusive && u.inclusive),
                Ordering::Less => false,
            },
            _ => false,
        }
    }

    /// The intersection of two intervals.
    pub fn intersect(&self, other: &Interval) -> Interval {
        let lower = match (self.lower, other.lower) {
            (None, x) | (x, None) => x,
            (Some(a), Some(b)) => Some(match a.value.cmp(&b.value) {
                Ordering::Greater => a,
                Ordering::Less => b,
                Ordering::Equal => Bound {
                    value: a.value,
                    inclusive: a.inclusive && b.inclusive,
                },
            }),
        };
        let upper = match (self.upper, other.upper) {
            (None, x) | (x, None) => x,
            (Some(a), Some(b)) => Some(match a.value.cmp(&b.value) {
                Ordering::Less => a,
                Ordering::Greater => b,
                Ordering::Equal => Bound {
                    value: a.value,
                    inclusive: a.inclusive && b.inclusive,
                },
            }),
        };
        Interval { lower, upper }
    }

    /// Orders by lower end (unbounded first; an inclusive end before an exclusive one at the
    /// same value).
    pub(crate) fn cmp_lower(&self, other: &Interval) -> Ordering {
        match (self.lower, other.lower) {
            (None, None) => Ordering::Equal,
            (None, _) => Ordering::Less,
            (_, None) => Ordering::Greater,
            (Some(a), Some(b)) => a
                .value
                .cmp(&b.value)
                .then_with(|| b.inclusive.cmp(&a.inclusive)),
        }
    }
}

/// How two intervals, sorted by their lower end, meet.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Meeting {
    /// The first ends exactly where the second begins.
    Adjacent,
    /// Some values lie in both.
    Overlap,
    /// Some values between them lie in neither.
    Gap,
}

/// How `a` (which starts first) meets `b`.
pub(crate) fn meeting(a: &Interval, b: &Interval) -> Meeting {
    let (Some(au), Some(bl)) = (a.upper, b.lower) else {
        return Meeting::Overlap; // a unbounded above, or b unbounded below after a
    };
    match au.value.cmp(&bl.value) {
        Ordering::Greater => Meeting::Overlap,
        Ordering::Less => Meeting::Gap,
        Ordering::Equal => match (au.inclusive, bl.inclusive) {
            (true, true) => Meeting::Overlap,
            (false, false) => Meeting::Gap,
            _ => Meeting::Adjacent,
        },
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.lower {
            Some(b) => write!(f, "{}{}", if b.inclusive { '[' } else { '(' }, b.value)?,
            None => f.write_str("(")?,
        }
        f.write_str(", ")?;
        match self.upper {
            Some(b) => write!(f, "{}{}", b.value, if b.inclusive { ']' } else { ')' }),
            None => f.write_str(")"),
        }
    }
}

impl Serialize for Interval {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Interval {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Interval::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    fn d(s: &str) -> Decimal {
        parse_decimal(s).unwrap()
    }

    #[test]
    fn parse_and_contains() {
        let i = Interval::parse("[70, 90)").unwrap();
        assert!(i.contains(d("70")));
        assert!(i.contains(d("89.999")));
        assert!(!i.contains(d("90")));
        assert_eq!(i.to_string(), "[70, 90)");
        let u = Interval::parse("(90,)").unwrap();
        assert!(!u.contains(d("90")));
        assert!(u.contains(d("1e9")));
        assert_eq!(u.to_string(), "(90, )");
        assert!(Interval::parse("70, 90").is_err());
        assert!(Interval::parse("[a, 1]").is_err());
        assert!(Interval::parse("[1, 2, 3]").is_err());
        assert!(Interval::parse("[5, 3]").unwrap().is_empty());
        assert!(Interval::parse("[5, 5)").unwrap().is_empty());
        assert!(!Interval::parse("[5, 5]").unwrap().is_empty());
    }

    #[test]
    fn meetings() {
        let p = |s| Interval::parse(s).unwrap();
        assert_eq!(meeting(&p("[0, 70)"), &p("[70, 90)")), Meeting::Adjacent);
        assert_eq!(meeting(&p("[0, 70]"), &p("(70, 90)")), Meeting::Adjacent);
        assert_eq!(meeting(&p("[0, 70]"), &p("[70, 90)")), Meeting::Overlap);
        assert_eq!(meeting(&p("[0, 70)"), &p("(70, 90)")), Meeting::Gap);
        assert_eq!(meeting(&p("[0, 60]"), &p("[70, 90)")), Meeting::Gap);
    }
}
