package flowforge.lib.time_test

import data.flowforge.lib.time
import rego.v1

test_epoch if time.seconds("1970-01-01T00:00:00Z") == 0

test_leading_zeros if {
	time.num("08") == 8
	time.num("00") == 0
	time.num("2026") == 2026
}

test_known_dates if {
	time.seconds("2000-03-01T00:00:00Z") == 951868800
	time.seconds("2026-01-31T09:30:00Z") == 1769851800
	time.seconds("2024-02-29T23:59:59Z") == 1709251199
}

test_fraction_and_offset if {
	time.seconds("2026-01-31T09:30:00.123Z") == 1769851800
	time.seconds("2026-01-31T11:30:00+02:00") == 1769851800
	time.seconds("2026-01-31T04:00:00-05:30") == 1769851800
}

test_days_between if {
	time.days_between("2026-01-31T09:30:00Z", "2026-02-10T09:29:59Z") == 9
	time.days_between("2026-01-31T09:30:00Z", "2026-02-10T09:30:00Z") == 10
	time.days_between("2026-01-31T09:30:00Z", "2026-01-30T09:30:00Z") == -1
}

test_malformed_is_undefined if {
	not time.seconds("2026-01-31")
	not time.seconds("yesterday")
	not time.seconds(null)
}
