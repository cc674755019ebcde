package sailpoint

import (
	"strings"
	"unicode"
)

// maxTextRunes bounds one tenant text in an error or diagnostic.
const maxTextRunes = 1000

// CleanText makes text from the tenant (error messages, task messages,
// a token endpoint's error_description) safe to print: control characters
// (escape sequences included) and invisible format characters (bidi
// overrides, zero-width characters) are dropped, line breaks and tabs
// become spaces, invalid UTF-8 becomes U+FFFD, and it is cut to 1,000
// characters. A terminal or CI log then shows what the tenant said, and
// nothing the tenant could make it do.
func CleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	n := 0
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			r = ' '
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			continue
		}
		if n == maxTextRunes {
			b.WriteString("…")
			break
		}
		b.WriteRune(r)
		n++
	}
	return strings.TrimSpace(b.String())
}

// maskSecret replaces every occurrence of secret in s, so an endpoint that
// echoes the credentials cannot get them into an error.
func maskSecret(s, secret string) string {
	if secret == "" {
		return s
	}
	return strings.ReplaceAll(s, secret, "***")
}
