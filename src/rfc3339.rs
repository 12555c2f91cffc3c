//! RFC 3339 timestamps as Stream sends them (`2026-04-08T14:23:35.879421674Z`,
//! or with a `+02:00` offset), to milliseconds since the Unix epoch.

/// Milliseconds since the epoch, or `None` when `text` is not an RFC 3339 date-time.
pub fn parse_millis(text: &str) -> Option<i64> {
  let b = text.as_bytes();
  if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') || b[13] != b':' || b[16] != b':' {
    return None;
  }
  let num = |range: std::ops::Range<usize>| -> Option<i64> {
    let digits = b.get(range)?;
    digits.iter().try_fold(0i64, |acc, &d| d.is_ascii_digit().then(|| acc * 10 + i64::from(d - b'0')))
  };
  let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
  let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
  if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) || hour > 23 || minute > 59 || second > 60 {
    return None;
  }
  let mut pos = 19;
  let mut millis = 0;
  if b[pos] == b'.' {
    let start = pos + 1;
    pos = start;
    while pos < b.len() && b[pos].is_ascii_digit() {
      pos += 1;
    }
    if pos == start {
      return None;
    }
    let frac = &text[start..pos.min(start + 3)];
    millis = frac.parse::<i64>().ok()? * 10i64.pow(3 - frac.len() as u32);
  }
  let offset_minutes = match b.get(pos)? {
    b'Z' | b'z' if pos + 1 == b.len() => 0,
    sign @ (b'+' | b'-') if pos + 6 == b.len() && b[pos + 3] == b':' => {
      let (h, m) = (num(pos + 1..pos + 3)?, num(pos + 4..pos + 6)?);
      if h > 23 || m > 59 {
        return None;
      }
      if *sign == b'+' {
        h * 60 + m
      } else {
        -(h * 60 + m)
      }
    }
    _ => return None,
  };
  let days = days_from_civil(year, month, day);
  let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
  Some(seconds * 1000 + millis)
}

fn is_leap(year: i64) -> bool {
  (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
  match month {
    2 if is_leap(year) => 29,
    2 => 28,
    4 | 6 | 9 | 11 => 30,
    _ => 31,
  }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
  let y = if month <= 2 { year - 1 } else { year };
  let era = y.div_euclid(400);
  let yoe = y - era * 400;
  let mp = (month + 9) % 12;
  let doy = (153 * mp + 2) / 5 + day - 1;
  let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn parses_stream_timestamps() {
    assert_eq!(parse_millis("1970-01-01T00:00:00Z"), Some(0));
    assert_eq!(parse_millis("2026-04-08T14:23:35.879421674Z"), Some(1_775_658_215_879));
    assert_eq!(parse_millis("2026-04-08T16:23:35.879+02:00"), Some(1_775_658_215_879));
    assert_eq!(parse_millis("2026-04-08T09:23:35.8-05:00"), Some(1_775_658_215_800));
    assert_eq!(parse_millis("2024-02-29T00:00:00z"), Some(1_709_164_800_000));
    assert_eq!(parse_millis("1969-12-31T23:59:59Z"), Some(-1000));
  }

  #[test]
  fn rejects_what_is_not_rfc3339() {
    for bad in [
      "",
      "2026-04-08",
      "2026-04-08T14:23:35",
      "2026-13-01T00:00:00Z",
      "2023-02-29T00:00:00Z",
      "2026-04-08T24:00:00Z",
      "2026-04-08T14:23:35.Z",
      "2026-04-08T14:23:35Zjunk",
      "2026-04-08T14:23:35+0200",
      "２０２６-04-08T14:23:35Z",
      "2026-04-08T14:23:35.123456789012345678901234567890Z!",
    ] {
      assert_eq!(parse_millis(bad), None, "{bad}");
    }
  }

  #[test]
  fn agrees_with_a_day_count() {
    // Every day start from 1970 to 2100 against a running count.
    let mut days = 0;
    for year in 1970..2100 {
      for month in 1..=12 {
        for day in 1..=days_in_month(year, month) {
          let text = format!("{year:04}-{month:02}-{day:02}T00:00:00Z");
          assert_eq!(parse_millis(&text), Some(days * 86_400_000), "{text}");
          days += 1;
        }
      }
    }
  }
}
