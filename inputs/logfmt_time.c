/* Timestamp layouts of log formats. A layout is literal text plus:
 *   %Y year (4 digits)   %y year (2 digits, 20yy)   %m month   %d day
 *   %H hour (0-23)       %I hour (1-12, with %p)     %M minute  %S second
 *   %f optional fraction ".123" / ",123456" (any number of digits)
 *   %p AM/PM             %T 'T' or a space
 *   %z optional zone: Z, +HH:MM, +HHMM, +HH
 *   %b optional Windows bias in minutes, +480 / -060 (UTC = local + bias:
 *      ConfigMgr writes the TIME_ZONE_INFORMATION bias after the time)
 *   a space matches one or more blanks
 * "iso8601" is shorthand for %Y-%m-%d%T%H:%M:%S%f%z. */
#include <ctype.h>
#include <string.h>

#include "logfmt.h"

int64_t logfmt_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static bool digits(const char **s, int min, int max, int *out)
{
	int v = 0, n = 0;
	while (n < max && isdigit((unsigned char)(*s)[n])) {
		v = v * 10 + ((*s)[n] - '0');
		n++;
	}
	if (n < min)
		return false;
	*s += n;
	*out = v;
	return true;
}

typedef struct tparts {
	int year, mon, day, hour, min, sec, usec;
	int ampm;  /* 0 none, 1 AM, 2 PM */
	bool zone_known;
	int32_t zone_off_s;
} tparts;

static bool parse_zone(const char **s, tparts *t)
{
	const char *p = *s;
	if (*p == 'Z' || *p == 'z') {
		*s = p + 1;
		t->zone_known = true;
		t->zone_off_s = 0;
		return true;
	}
	if (*p != '+' && *p != '-')
		return true;  /* optional */
	int sign = *p == '-' ? -1 : 1, hh, mm = 0;
	p++;
	if (!digits(&p, 2, 2, &hh))
		return false;
	if (*p == ':')
		p++;
	if (isdigit((unsigned char)*p) && !digits(&p, 2, 2, &mm))
		return false;
	if (hh > 23 || mm > 59)
		return false;
	t->zone_known = true;
	t->zone_off_s = sign * (hh * 3600 + mm * 60);
	*s = p;
	return true;
}

static bool parse_bias(const char **s, tparts *t)
{
	const char *p = *s;
	if (*p != '+' && *p != '-')
		return true;
	int sign = *p == '-' ? -1 : 1, bias;
	p++;
	if (!digits(&p, 1, 4, &bias) || bias > 24 * 60)
		return false;
	t->zone_known = true;
	t->zone_off_s = -sign * bias * 60;
	*s = p;
	return true;
}

static bool parse_fraction(const char **s, tparts *t)
{
	const char *p = *s;
	if ((*p != '.' && *p != ',') || !isdigit((unsigned char)p[1]))
		return true;
	p++;
	int scale = 100000, us = 0;
	while (isdigit((unsigned char)*p)) {
		us += (*p - '0') * scale;
		scale /= 10;
		p++;
	}
	t->usec = us;
	*s = p;
	return true;
}

static bool token(char c, const char **s, tparts *t)
{
	switch (c) {
	case 'Y': return digits(s, 4, 4, &t->year);
	case 'y':
		if (!digits(s, 2, 2, &t->year))
			return false;
		t->year += 2000;
		return true;
	case 'm': return digits(s, 1, 2, &t->mon);
	case 'd': return digits(s, 1, 2, &t->day);
	case 'H':
	case 'I': return digits(s, 1, 2, &t->hour);
	case 'M': return digits(s, 2, 2, &t->min);
	case 'S': return digits(s, 2, 2, &t->sec);
	case 'f': return parse_fraction(s, t);
	case 'z': return parse_zone(s, t);
	case 'b': return parse_bias(s, t);
	case 'T':
		if (**s != 'T' && **s != ' ')
			return false;
		(*s)++;
		return true;
	case 'p':
		if (!g_ascii_strncasecmp(*s, "AM", 2))
			t->ampm = 1;
		else if (!g_ascii_strncasecmp(*s, "PM", 2))
			t->ampm = 2;
		else
			return false;
		*s += 2;
		return true;
	case '%':
		if (**s != '%')
			return false;
		(*s)++;
		return true;
	}
	return false;
}

bool logfmt_parse_time(const char *layout, const char *text, int64_t *us, bool *zone_known,
		       int32_t *zone_off_s)
{
	if (!layout || !text)
		return false;
	if (!strcmp(layout, "iso8601"))
		layout = "%Y-%m-%d%T%H:%M:%S%f%z";
	tparts t = {.year = 1970, .mon = 1, .day = 1};
	const char *s = text;
	while (*s == ' ' || *s == '\t')
		s++;
	for (const char *l = layout; *l; l++) {
		if (*l == '%' && l[1]) {
			if (!token(*++l, &s, &t))
				return false;
		} else if (*l == ' ') {
			if (!isspace((unsigned char)*s))
				return false;
			while (isspace((unsigned char)*s))
				s++;
		} else if (*s++ != *l) {
			return false;
		}
	}
	while (isspace((unsigned char)*s))
		s++;
	if (*s)
		return false;
	if (t.ampm) {
		if (t.hour < 1 || t.hour > 12)
			return false;
		t.hour = t.hour % 12 + (t.ampm == 2 ? 12 : 0);
	}
	if (t.mon < 1 || t.mon > 12 || t.day < 1 || t.day > 31 || t.hour > 23 || t.min > 59 || t.sec > 60)
		return false;
	int64_t days = logfmt_days_from_civil(t.year, (unsigned)t.mon, (unsigned)t.day);
	*us = ((days * 86400 + t.hour * 3600 + t.min * 60 + t.sec) * 1000000LL) + t.usec;
	*zone_known = t.zone_known;
	*zone_off_s = t.zone_off_s;
	return true;
}
