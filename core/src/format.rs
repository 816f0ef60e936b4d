//! Format tags: every JSON document chamdiem reads or writes names its format and version.
//!
//! A document is `{"format": "chamdiem.dossier", "format_version": 1, ...}`. On input, a document of
//! another format, or of a newer version than this library knows, is refused with a clear
//! error; an older version is read (and written back as the current one).

use serde::{Deserialize, Deserializer, Serialize, Serializer, de};
use std::fmt;
use std::marker::PhantomData;

/// A document format: its name and the newest version this library reads and writes.
pub trait Format {
    /// The format's name, e.g. `chamdiem.dossier`.
    const NAME: &'static str;
    /// The current version.
    const VERSION: u32;
}

/// The `format` field of a document of format `F`: serializes as its name and refuses any other.
pub struct Tag<F>(PhantomData<F>);

/// The `format_version` field of a document of format `F`: serializes as the current version and
/// refuses newer ones.
pub struct Version<F>(PhantomData<F>);

macro_rules! zst_impls {
    ($t:ident) => {
        impl<F> Default for $t<F> {
            fn default() -> Self {
                $t(PhantomData)
            }
        }
        impl<F> Clone for $t<F> {
            fn clone(&self) -> Self {
                *self
            }
        }
        impl<F> Copy for $t<F> {}
        impl<F> PartialEq for $t<F> {
            fn eq(&self, _: &Self) -> bool {
                true
            }
        }
        impl<F> Eq for $t<F> {}
        impl<F: Format> fmt::Debug for $t<F> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}@{}", F::NAME, F::VERSION)
            }
        }
    };
}
zst_impls!(Tag);
zst_impls!(Version);

impl<F: Format> Serialize for Tag<F> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(F::NAME)
    }
}

impl<'de, F: Format> Deserialize<'de> for Tag<F> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<F>(PhantomData<F>);
        impl<F: Format> de::Visitor<'_> for V<F> {
            type Value = Tag<F>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, "the format name \"{}\"", F::NAME)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Tag<F>, E> {
                if v == F::NAME {
                    Ok(Tag(PhantomData))
                } else {
                    Err(E::custom(format!(
                        "this document is of format \"{v}\", but a \"{}\" document was expected",
                        F::NAME
                    )))
                }
            }
        }
        d.deserialize_str(V::<F>(PhantomData))
    }
}

impl<F: Format> Serialize for Version<F> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u32(F::VERSION)
    }
}

impl<'de, F: Format> Deserialize<'de> for Version<F> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<F>(PhantomData<F>);
        impl<F: Format> de::Visitor<'_> for V<F> {
            type Value = Version<F>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, "a format version from 1 to {}", F::VERSION)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Version<F>, E> {
                if v >= 1 && v <= u64::from(F::VERSION) {
                    Ok(Version(PhantomData))
                } else if v > u64::from(F::VERSION) {
                    Err(E::custom(format!(
                        "this \"{}\" document is version {v}, newer than version {} which this \
                         chamdiem release understands: upgrade chamdiem to read it",
                        F::NAME,
                        F::VERSION
                    )))
                } else {
                    Err(E::custom(format!(
                        "{v} is not a version of \"{}\"",
                        F::NAME
                    )))
                }
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Version<F>, E> {
                if v < 1 {
                    Err(E::custom(format!(
                        "{v} is not a version of \"{}\"",
                        F::NAME
                    )))
                } else {
                    self.visit_u64(v as u64)
                }
            }
        }
        d.deserialize_u64(V::<F>(PhantomData))
    }
}

macro_rules! format_marker {
    ($(#[$m:meta])* $name:ident, $s:expr, $v:expr) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $name;
        impl Format for $name {
            const NAME: &'static str = $s;
            const VERSION: u32 = $v;
        }
    };
}

format_marker!(
    /// `chamdiem.criteria_set`, version 1.
    CriteriaSetFormat,
    "chamdiem.criteria_set",
    1
);
format_marker!(
    /// `chamdiem.dossier`, version 1.
    DossierFormat,
    "chamdiem.dossier",
    1
);
format_marker!(
    /// `chamdiem.command`, version 1.
    CommandFormat,
    "chamdiem.command",
    1
);
format_marker!(
    /// `chamdiem.event`, version 1.
    EventFormat,
    "chamdiem.event",
    1
);
format_marker!(
    /// `chamdiem.results`, version 1.
    ResultsFormat,
    "chamdiem.results",
    1
);
format_marker!(
    /// `chamdiem.ranking`, version 1.
    RankingFormat,
    "chamdiem.ranking",
    1
);
format_marker!(
    /// `chamdiem.period`, version 1.
    PeriodFormat,
    "chamdiem.period",
    1
);
format_marker!(
    /// `chamdiem.view`, version 1: a dossier as one actor may see it.
    ViewFormat,
    "chamdiem.view",
    1
);
