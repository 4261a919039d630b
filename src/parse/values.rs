//! Checks of single values people write: slugs, ids, URLs, dates, languages.

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ZonedDateTime};

use crate::error::Problem;

/// A refused value's problem: what is wrong and what to write instead.
fn refuse(message: impl Into<String>, hint: impl Into<String>) -> Problem {
    Problem::error(message).with_hint(hint)
}

/// A URL slug or id: lower-case ASCII letters and digits in hyphen-separated words.
pub fn check_slug(what: &str, value: &str) -> Result<(), Problem> {
    let ok = !value.is_empty()
        && value.split('-').all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
    if ok {
        return Ok(());
    }
    let suggestion = crate::markdown::slugify(&fold_accents(value));
    let hint = if suggestion.is_empty() || suggestion == value {
        "use lower-case letters a–z, digits and single hyphens".to_owned()
    } else {
        format!("use lower-case letters a–z, digits and single hyphens, such as `{suggestion}`")
    };
    Err(refuse(format!("`{value}` is not a valid {what}"), hint))
}

/// Strips the accents of Latin letters (and turns other symbols into spaces), so a slug
/// made from it stays ASCII.
pub fn fold_accents(value: &str) -> String {
    value
        .chars()
        .map(|c| match c {
            'á' | 'à' | 'ä' | 'â' | 'ã' | 'Á' | 'À' | 'Ä' | 'Â' | 'Ã' => 'a',
            'é' | 'è' | 'ë' | 'ê' | 'É' | 'È' | 'Ë' | 'Ê' => 'e',
            'í' | 'ì' | 'ï' | 'î' | 'Í' | 'Ì' | 'Ï' | 'Î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' | 'õ' | 'Ó' | 'Ò' | 'Ö' | 'Ô' | 'Õ' => 'o',
            'ú' | 'ù' | 'ü' | 'û' | 'Ú' | 'Ù' | 'Ü' | 'Û' => 'u',
            'ñ' | 'Ñ' => 'n',
            'ç' | 'Ç' => 'c',
            c if c.is_ascii_alphanumeric() => c,
            _ => ' ',
        })
        .collect()
}

/// A web address people can open: `http` or `https` with a host.
pub fn check_web_url(value: &str) -> Result<(), Problem> {
    let lower = value.trim().to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
    match rest {
        Some(rest) if !rest.is_empty() && !rest.starts_with('/') && !value.chars().any(char::is_whitespace) => Ok(()),
        Some(_) => Err(refuse(
            format!("`{value}` is not a valid web address"),
            "write a full address such as https://example.org/",
        )),
        None => {
            let scheme = lower.split_once(':').map(|(s, _)| s).filter(|s| !s.contains('/') && !s.contains('.'));
            let message = match scheme {
                Some(scheme) => format!("the address `{value}` uses `{scheme}:`; only http and https are allowed"),
                None => format!("`{value}` is not a full web address"),
            };
            Err(refuse(message, "write a full address that starts with https://"))
        }
    }
}

/// A date (`2019-06-27`) or a date and time, with or without an offset; without one it is
/// read in `tz`.
pub fn parse_instant(value: &str, tz: &TimeZone) -> Result<Timestamp, Problem> {
    let value = value.trim();
    if let Ok(ts) = value.parse::<Timestamp>() {
        return Ok(ts);
    }
    if let Ok(zoned) = value.parse::<ZonedDateTime>() {
        return Ok(zoned.timestamp());
    }
    if value.len() > 10
        && let Ok(dt) = value.parse::<DateTime>()
    {
        return dt.to_zoned_datetime(tz.clone()).map(|z| z.timestamp()).map_err(|e| {
            refuse(format!("`{value}` does not exist in the site's time zone: {e}"), "pick a time that exists")
        });
    }
    if value.len() > 10 {
        return Err(refuse(
            format!("`{value}` is not a date and time"),
            "write it as 2019-06-27T09:00:00-04:00 (hours 00–23), or a date alone: 2019-06-27",
        ));
    }
    let date = parse_date(value)?;
    date.to_zoned_datetime(tz.clone())
        .map(|z| z.timestamp())
        .map_err(|e| refuse(format!("`{value}` cannot be placed in the site's time zone: {e}"), "check the date"))
}

/// A calendar date such as `2019-06-27`.
pub fn parse_date(value: &str) -> Result<Date, Problem> {
    let hint = "write dates as YYYY-MM-DD, for example 2019-06-27, or add a time: 2019-06-27T09:00:00-04:00";
    let parts: Vec<&str> = value.trim().split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(refuse(format!("`{value}` is not a date"), hint));
    };
    let (Ok(year), Ok(month), Ok(day)) = (y.parse::<i16>(), m.parse::<i8>(), d.parse::<i8>()) else {
        return Err(refuse(format!("`{value}` is not a date"), hint));
    };
    if y.len() != 4 {
        return Err(refuse(format!("`{value}` is not a date"), hint));
    }
    Date::new(year, month, day)
        .map_err(|_| refuse(format!("{value} is not a day of the calendar"), "check the day and the month"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(check_slug("slug", "national-guard-2019").is_ok());
        for bad in ["", "Upper", "a/b", "..", "a b", "a--b", "-a", "ñandú"] {
            assert!(check_slug("slug", bad).is_err(), "{bad}");
        }
        assert_eq!(
            check_slug("slug", "Guardia Nacional").unwrap_err().hint.unwrap(),
            "use lower-case letters a–z, digits and single hyphens, such as `guardia-nacional`"
        );
    }

    proptest::proptest! {
        /// Whatever slug is accepted can only ever name one folder level below its section.
        #[test]
        fn accepted_slugs_are_single_safe_path_segments(slug in ".{0,40}") {
            if check_slug("slug", &slug).is_ok() {
                proptest::prop_assert!(slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
                proptest::prop_assert!(!slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"));
                let lang = crate::model::Lang::parse("es").unwrap();
                let file = crate::render::urls::output_file(&crate::render::urls::Urls::statement(&lang, &slug));
                let parts: Vec<_> = std::path::Path::new(&file).components().collect();
                proptest::prop_assert_eq!(parts.len(), 4);
                proptest::prop_assert!(parts.iter().all(|c| matches!(c, std::path::Component::Normal(_))));
            }
        }

        /// The slug a refusal suggests is itself accepted.
        #[test]
        fn suggested_slugs_are_accepted(text in "[a-zA-Z0-9áéíóúñÑ ./_-]{1,40}") {
            if let Err(refusal) = check_slug("slug", &text)
                && let Some(suggestion) = refusal.hint.as_deref().and_then(|h| h.split('`').nth(1))
            {
                proptest::prop_assert!(check_slug("slug", suggestion).is_ok(), "{}", suggestion);
            }
        }
    }

    #[test]
    fn urls() {
        assert!(check_web_url("https://a.example.org/x").is_ok());
        assert!(check_web_url("HTTP://a.example.org").is_ok());
        for bad in ["javascript:alert(1)", "data:text/html,x", "www.a.org", "https://", "ftp://a.org", "https:///x"] {
            assert!(check_web_url(bad).is_err(), "{bad}");
        }
        assert_contains!(check_web_url("JavaScript:alert(1)").unwrap_err().message, "`javascript:`");
    }

    #[test]
    fn instants_use_the_site_zone_when_no_offset_is_given() {
        let tz = TimeZone::get("America/Mexico_City").unwrap();
        assert_eq!(parse_instant("2019-06-27", &tz).unwrap().to_string(), "2019-06-27T05:00:00Z");
        assert_eq!(parse_instant("2019-06-27T09:00:00-04:00", &tz).unwrap().to_string(), "2019-06-27T13:00:00Z");
        assert_eq!(parse_instant("2019-06-27T09:00", &tz).unwrap().to_string(), "2019-06-27T14:00:00Z");
        assert_eq!(parse_instant("2019-02-30", &tz).unwrap_err().message, "2019-02-30 is not a day of the calendar");
        assert!(parse_instant("27/06/2019", &tz).is_err());
    }
}
