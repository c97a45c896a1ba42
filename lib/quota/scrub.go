package quota

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Redacted replaces whatever [Scrub] removes.
const Redacted = "[redacted]"

// secretPatterns match credentials by their shape. Order matters: the
// labelled forms go first so their label stays readable. They are compiled
// on first use: most runs (a healthy report, `version`, `serve` start-up)
// never scrub anything.
var secretPatterns = sync.OnceValue(func() []*regexp.Regexp {
	return []*regexp.Regexp{
		// "Authorization: Bearer x" and "Basic x".
		regexp.MustCompile(`(?i)\b(bearer|basic)(\s+)[A-Za-z0-9._~+/=:-]{8,}`),
		// key=value and "key": "value" pairs whose name says secret.
		regexp.MustCompile(`(?i)(\b(?:api[_-]?key|access[_-]?token|refresh[_-]?token|id[_-]?token|client[_-]?secret|password|secret|token|key)"?\s*[:=]\s*"?)[^\s"',;&}]{6,}`),
		// JSON Web Tokens.
		regexp.MustCompile(`eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.?[A-Za-z0-9_-]*`),
		// Vendor prefixes: OpenAI/Anthropic keys, GitHub tokens, Google
		// access and refresh tokens, Google OAuth client secrets.
		regexp.MustCompile(`\b(?:sk-[A-Za-z0-9_-]{6,}|github_pat_[A-Za-z0-9_]{6,}|gh[opsur]_[A-Za-z0-9]{6,}|ya29\.[A-Za-z0-9._-]{6,}|GOCSPX-[A-Za-z0-9_-]{6,})`),
		regexp.MustCompile(`1//[A-Za-z0-9_-]{6,}`),
		// Zhipu keys: "<32 hex>.<secret>".
		regexp.MustCompile(`\b[0-9a-fA-F]{24,}\.[A-Za-z0-9]{6,}`),
	}
})

// runPattern finds long unbroken runs of token characters; [Scrub] decides
// by their content whether they are secrets.
var runPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[A-Za-z0-9+/=_-]{24,}`) })

// Scrub removes from s every known secret (see [RegisterSecret]), whole or
// in part, and then anything that looks like a credential: bearer values,
// secret-named key/value pairs, JWTs, sk-…, github_pat_…, gho_…, ya29.…,
// 1//… refresh tokens, and runs of 24 or more hex or base64 characters.
// Hyphenated names (model ids, UUIDs) and paths are kept. Known secrets go
// first: a shape-based replacement could otherwise cut a key in two and
// leave a piece that no longer looks like anything. Run it before any
// truncation for the same reason.
func Scrub(s string) string {
	if s == "" {
		return s
	}
	s = ScrubKnown(s)
	for i, re := range secretPatterns() {
		if i < 2 {
			// Keep the label, drop the value.
			s = re.ReplaceAllString(s, "${1}${2}"+Redacted)
			continue
		}
		s = re.ReplaceAllString(s, Redacted)
	}
	return runPattern().ReplaceAllStringFunc(s, func(run string) string {
		if looksSecret(run) {
			return Redacted
		}
		return run
	})
}

// looksSecret tells a token from a long name: all hex, or base64 mixing
// upper case, lower case and digits, or letters and digits without the
// separators that names and paths use.
func looksSecret(run string) bool {
	if strings.Trim(run, "0123456789abcdefABCDEF") == "" {
		return true // all hex
	}
	var upper, lower, digit bool
	for _, r := range run {
		switch {
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= '0' && r <= '9':
			digit = true
		}
	}
	if upper && lower && digit {
		return true
	}
	return digit && (upper || lower) && !strings.ContainsAny(run, "-_/")
}

// MinSecret is the length under which [RegisterSecret] ignores a value
// and the shortest piece of a known secret [ScrubKnown] finds on its own;
// shorter pieces are masked only next to a longer one.
const MinSecret = 8

// maxSecretBytes bounds the registry (a long-lived host mints tokens every
// hour); the oldest secrets are forgotten first.
const maxSecretBytes = 1 << 20

// maxGap is how many characters may separate two pieces of a known secret
// (a space, a line break, a JSON escape) for the second to be masked too.
const maxGap = 6

// registry holds the secrets of this process: keys and tokens read from
// credential files, client secrets and tokens sent upstream, tokens
// minted by refreshes. It offers no way to list them, so nothing can log
// them.
var registry struct {
	mu      sync.RWMutex
	secrets []string            // oldest first
	first   int                 // the id of secrets[0]: ids only grow
	known   map[string]struct{} // the same, for deduplication
	size    int                 // bytes in secrets
	// levels index every MinSecret-byte window of the secrets with ids
	// below indexed, in sorted runs of roughly halving sizes: each new
	// batch of secrets is sorted on its own and merged with the runs no
	// larger than twice its size, so registering n secrets one by one,
	// each followed by a scrub, costs O(n log n) instead of a full
	// re-sort every time. Windows of forgotten secrets (ids below first)
	// are skipped, dropped by merges, and all at once by a full rebuild
	// when they are half the index. A published levels slice is never
	// modified (readers keep snapshots).
	levels  []grams
	indexed int
	stale   int  // windows in levels of forgotten secrets
	dirty   bool // secrets were added since the index was built
}

// grams index every MinSecret-byte window of the registered secrets: keys
// holds the window's bytes as a number, sorted, and refs beside it the
// secret (ref>>offBits) and the window's offset in it (ref&offMask).
// Two parallel slices take 12 bytes a window where a struct would take 16.
type grams struct {
	keys []uint64
	refs []uint32
}

func (g grams) Len() int           { return len(g.keys) }
func (g grams) Less(i, j int) bool { return g.keys[i] < g.keys[j] }
func (g grams) Swap(i, j int) {
	g.keys[i], g.keys[j] = g.keys[j], g.keys[i]
	g.refs[i], g.refs[j] = g.refs[j], g.refs[i]
}

// offBits bounds a registered piece to 4 KiB; a longer secret is
// registered as overlapping pieces (see [RegisterSecret]).
const (
	offBits  = 12
	offMask  = 1<<offBits - 1
	maxPiece = 1 << offBits
)

// maxRefs bounds how many secret windows one text window is compared with:
// a window shared by more is low in entropy (a run of zeros), and every
// text window is still masked by the first of them.
const maxRefs = 4

// RegisterSecret adds s (trimmed) to the secrets [Scrub] masks wherever
// they appear. Values shorter than [MinSecret] are ignored: no real
// credential is that short, and masking them would eat ordinary words.
// Credential readers call it for every key and token they read; the HTTP
// client for every credential it sends or is minted.
func RegisterSecret(s string) {
	s = strings.TrimSpace(s)
	if len(s) < MinSecret || len(s) > maxSecretBytes/4 {
		return
	}
	if len(s) > maxPiece {
		// Overlapping by MinSecret-1 bytes, so every window is indexed.
		for i := 0; i < len(s)-MinSecret+1; i += maxPiece - MinSecret + 1 {
			RegisterSecret(s[i:min(i+maxPiece, len(s))])
		}
		return
	}
	registry.mu.RLock()
	_, ok := registry.known[s]
	registry.mu.RUnlock()
	if ok {
		return
	}
	registry.mu.Lock()
	defer registry.mu.Unlock()
	if _, ok := registry.known[s]; ok {
		return
	}
	if registry.known == nil {
		registry.known = map[string]struct{}{}
	}
	registry.secrets = append(registry.secrets, s)
	registry.known[s] = struct{}{}
	registry.size += len(s)
	for registry.size > maxSecretBytes {
		old := registry.secrets[0]
		registry.secrets = registry.secrets[1:]
		delete(registry.known, old)
		registry.size -= len(old)
		if registry.first < registry.indexed {
			registry.stale += len(old) - MinSecret + 1
		}
		registry.first++
	}
	registry.dirty = true
}

// gramAt reads the MinSecret bytes at i as one number (MinSecret is 8).
func gramAt(s string, i int) uint64 {
	_ = s[i+7]
	return uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
		uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
}

// maxID bounds secret ids (refs keep 32-offBits bits for them); the ids
// are renumbered from 0 by a full rebuild before they reach it.
const maxID = 1<<(32-offBits) - 1

// index is a snapshot of the registry's index: its runs and the secrets
// their ids refer to (secrets[id-first]).
type index struct {
	levels  []grams
	secrets []string
	first   int
}

// lookup returns the index, brought up to date first: a snapshot that
// later registrations leave valid.
func lookup() index {
	registry.mu.RLock()
	if !registry.dirty {
		defer registry.mu.RUnlock()
		return index{registry.levels, registry.secrets, registry.first}
	}
	registry.mu.RUnlock()
	registry.mu.Lock()
	defer registry.mu.Unlock()
	if registry.dirty {
		total := 0
		for _, l := range registry.levels {
			total += l.Len()
		}
		next := registry.first + len(registry.secrets)
		if 2*registry.stale > total || next > maxID {
			// Start over: ids from 0, no forgotten windows.
			registry.levels, registry.stale = nil, 0
			registry.indexed, registry.first = 0, 0
		}
		from := max(registry.indexed, registry.first)
		batch := gramsOf(registry.secrets[from-registry.first:], from)
		levels := slices.Clone(registry.levels)
		for len(levels) > 0 && levels[len(levels)-1].Len() <= 2*batch.Len() {
			last := levels[len(levels)-1]
			merged := merge(last, batch, registry.first)
			registry.stale -= last.Len() + batch.Len() - merged.Len()
			batch, levels = merged, levels[:len(levels)-1]
		}
		if batch.Len() > 0 {
			levels = append(levels, batch)
		}
		registry.levels = levels
		registry.indexed, registry.dirty = registry.first+len(registry.secrets), false
	}
	// secrets is only ever appended to or resliced from the front, so the
	// snapshot stays valid for the ids it indexes.
	return index{registry.levels, registry.secrets, registry.first}
}

// gramsOf indexes the windows of secrets, the first of id base, sorted.
func gramsOf(secrets []string, base int) grams {
	n := 0
	for _, s := range secrets {
		n += len(s) - MinSecret + 1
	}
	g := grams{make([]uint64, 0, n), make([]uint32, 0, n)}
	for i, s := range secrets {
		for off := 0; off+MinSecret <= len(s); off++ {
			g.keys = append(g.keys, gramAt(s, off))
			g.refs = append(g.refs, uint32(base+i)<<offBits|uint32(off))
		}
	}
	sort.Sort(g)
	return g
}

// merge returns the sorted union of two sorted runs, in new slices,
// without the windows of secrets forgotten (ids below first).
func merge(a, b grams, first int) grams {
	n := a.Len() + b.Len()
	g := grams{make([]uint64, 0, n), make([]uint32, 0, n)}
	live := func(ref uint32) bool { return int(ref>>offBits) >= first }
	i, j := 0, 0
	for i < a.Len() || j < b.Len() {
		if j == b.Len() || (i < a.Len() && a.keys[i] <= b.keys[j]) {
			if live(a.refs[i]) {
				g.keys, g.refs = append(g.keys, a.keys[i]), append(g.refs, a.refs[i])
			}
			i++
		} else {
			if live(b.refs[j]) {
				g.keys, g.refs = append(g.keys, b.keys[j]), append(g.refs, b.refs[j])
			}
			j++
		}
	}
	return g
}

// ScrubKnown replaces with [Redacted] every piece of s that is a piece of a
// registered secret: the secret whole, any part of it at least
// [MinSecret] long, and shorter parts that continue such a piece after at
// most a few characters (a key split by a space or a line break). It does
// not look at shapes; [Scrub] does both.
func ScrubKnown(s string) string {
	if len(s) < MinSecret {
		return s
	}
	idx := lookup()
	if len(idx.levels) == 0 {
		return s
	}
	var mask []bool
	for i := 0; i+MinSecret <= len(s); i++ {
		if mask != nil && mask[i] && mask[i+MinSecret-1] {
			continue
		}
		k := gramAt(s, i)
		n := 0
		for _, run := range idx.levels {
			j, found := slices.BinarySearch(run.keys, k)
			if !found {
				continue
			}
			for ; j < len(run.keys) && run.keys[j] == k && n < maxRefs; j++ {
				id := int(run.refs[j] >> offBits)
				if id < idx.first {
					continue // forgotten
				}
				if mask == nil {
					mask = make([]bool, len(s))
				}
				markSecret(s, idx.secrets[id-idx.first], i, int(run.refs[j]&offMask), mask)
				n++
			}
		}
	}
	if mask == nil {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if !mask[i] {
			b.WriteByte(s[i])
			i++
			continue
		}
		b.WriteString(Redacted)
		for i < len(s) && mask[i] {
			i++
		}
	}
	return b.String()
}

// markSecret masks the piece of s at i that matches sec at off, extended
// both ways as far as they agree, and then the pieces of sec that
// continue it on either side across a short gap.
func markSecret(s, sec string, i, off int, mask []bool) {
	// Text [a, e) equals secret [b, f).
	a, b := i, off
	for a > 0 && b > 0 && s[a-1] == sec[b-1] {
		a, b = a-1, b-1
	}
	e, f := i+MinSecret, off+MinSecret
	for e < len(s) && f < len(sec) && s[e] == sec[f] {
		e, f = e+1, f+1
	}
	for x := a; x < e; x++ {
		mask[x] = true
	}
	// Continue to the right: sec[f:] resumes within maxGap bytes.
	for f < len(sec) {
		next, n := -1, 0
		for g := 1; g <= maxGap && e+g < len(s); g++ {
			m := 0
			for e+g+m < len(s) && f+m < len(sec) && s[e+g+m] == sec[f+m] {
				m++
			}
			if m >= 3 || (m > 0 && f+m == len(sec)) {
				next, n = e+g, m
				break
			}
		}
		if next < 0 {
			break
		}
		for x := e; x < next+n; x++ {
			mask[x] = true
		}
		e, f = next+n, f+n
	}
	// And to the left: sec[:b] ends within maxGap bytes before a.
	for b > 0 {
		prev, n := -1, 0
		for g := 1; g <= maxGap && a-g > 0; g++ {
			m := 0
			for a-g-m > 0 && b-m > 0 && s[a-g-m-1] == sec[b-m-1] {
				m++
			}
			if m >= 3 || (m > 0 && b-m == 0) {
				prev, n = a-g, m
				break
			}
		}
		if prev < 0 {
			break
		}
		for x := prev - n; x < a; x++ {
			mask[x] = true
		}
		a, b = prev-n, b-n
	}
}
