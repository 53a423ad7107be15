# Timestamps as numbers, without the clock: the checks judge times against the snapshot's
# `collected_at`, so a saved snapshot gives the same answer on any day. regorus is built
# without its `time` builtins (they include the wall clock), hence this small parser.
package flowforge.lib.time

import rego.v1

rfc3339 := `^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$`

# Seconds since 1970-01-01T00:00:00Z of an RFC 3339 timestamp (`Z` or a `±HH:MM` offset,
# fractions of a second ignored); undefined for anything else.
seconds(ts) := s if {
	is_string(ts)
	m := regex.find_all_string_submatch_n(rfc3339, ts, 1)
	count(m) == 1
	p := m[0]
	days := days_from_civil(num(p[1]), num(p[2]), num(p[3]))
	s := (((days * 86400) + (num(p[4]) * 3600)) + (num(p[5]) * 60)) + num(p[6]) - offset(p[8])
}

# A run of decimal digits as a number; regorus's to_number refuses leading zeros ("08").
num(digits) := 0 if trim_left(digits, "0") == ""

num(digits) := to_number(trim_left(digits, "0")) if trim_left(digits, "0") != ""

# Whole days from `from` to `to` (negative when `to` is earlier), rounded down.
days_between(from, to) := floor((seconds(to) - seconds(from)) / 86400)

offset(z) := 0 if upper(z) == "Z"

offset(z) := sign * ((num(substring(z, 1, 2)) * 3600) + (num(substring(z, 4, 2)) * 60)) if {
	upper(z) != "Z"
	sign := {"+": 1, "-": -1}[substring(z, 0, 1)]
}

# Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
days_from_civil(y0, m, d) := days if {
	y := y0 - march_shift(m)
	era := floor(y / 400)
	yoe := y - (era * 400)
	doy := (floor(((153 * ((m + 9) % 12)) + 2) / 5) + d) - 1
	doe := (((yoe * 365) + floor(yoe / 4)) - floor(yoe / 100)) + doy
	days := ((era * 146097) + doe) - 719468
}

march_shift(m) := 1 if m <= 2

march_shift(m) := 0 if m > 2
