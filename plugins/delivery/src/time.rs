//! RFC 3339 timestamps to seconds since the Unix epoch, without a date library: the
//! host writes every time in this one format.

/// Seconds since the epoch of an RFC 3339 time (`2026-05-01T12:30:00Z`,
/// `2026-05-01T14:30:00.123+02:00`); `None` when the text is not one.
pub fn parse(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !(b[10] == b'T' || b[10] == b't' || b[10] == b' ') {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<i64> {
        let s = text.get(from..to)?;
        if s.bytes().all(|c| c.is_ascii_digit()) {
            s.parse().ok()
        } else {
            None
        }
    };
    let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hour, minute, second) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    // Skip fractional seconds.
    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(|c| c.is_ascii_digit()).count();
        rest = &fraction[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            if rest.len() != 6 || rest.as_bytes()[3] != b':' {
                return None;
            }
            sign * (num_at(rest, 1, 3)? * 3600 + num_at(rest, 4, 6)? * 60)
        }
    };
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

fn num_at(text: &str, from: usize, to: usize) -> Option<i64> {
    text.get(from..to).filter(|s| s.bytes().all(|c| c.is_ascii_digit()))?.parse().ok()
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn rfc3339_times_become_epoch_seconds() {
        assert_eq!(parse("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse("2026-06-01T00:00:00Z"), Some(1_780_272_000));
        assert_eq!(parse("2026-06-01T02:00:00+02:00"), Some(1_780_272_000));
        assert_eq!(parse("2026-05-31T19:00:00.250-05:00"), Some(1_780_272_000));
        assert_eq!(parse("2024-02-29T12:00:00Z"), Some(1_709_208_000));
        for bad in
            ["", "2026-06-01", "2026-13-01T00:00:00Z", "2026-06-01T00:00:00", "yesterday", "2026-06-01T00:00:00+0200"]
        {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
