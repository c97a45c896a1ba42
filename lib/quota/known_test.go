package quota

import (
	"strings"
	"testing"
)

// zhipuKey is shaped like a real Zhipu/Z.ai key: 32 hex, a dot, a secret.
const zhipuKey = "9f86d081884c7d659a2feaa0c55ad015.Qx7TnRvWm3LpKz8e"

// fragments returns every piece of s at least n bytes long.
func fragments(s string, n int) []string {
	var out []string
	for i := 0; i+n <= len(s); i++ {
		out = append(out, s[i:i+n])
	}
	return out
}

// leaks returns the first piece of secret of n bytes or more found in out.
func leaks(out, secret string, n int) string {
	for _, f := range fragments(secret, n) {
		if strings.Contains(out, f) {
			return f
		}
	}
	return ""
}

func TestScrubKnown(t *testing.T) {
	RegisterSecret("  " + zhipuKey + "\n")
	RegisterSecret("short") // ignored: too short to be a credential
	k := zhipuKey
	tests := []struct {
		name string
		in   string
		keep []string
	}{
		{"whole", `{"msg":"invalid key ` + k + `"}`, []string{`{"msg":"invalid key `, `"}`}},
		{"prefix", "key " + k[:20] + "… rejected", []string{"key ", "… rejected"}},
		{"suffix", "got " + k[25:] + " bad", []string{"got ", " bad"}},
		{"middle", "x" + k[10:30] + "y", []string{"x", "y"}},
		{"split by a space", "key " + k[:30] + " " + k[30:] + " end", []string{"key ", " end"}},
		{"split by a line break", "key " + k[:45] + "\n" + k[45:] + " end", []string{"key ", " end"}},
		{"split by a JSON escape", `"` + k[:12] + `\n` + k[12:] + `"`, nil},
		{"split short first", "key " + k[:5] + " " + k[5:], []string{"key "}},
		{"split in three", k[:16] + " " + k[16:34] + " " + k[34:], nil},
		{"twice", k + " and " + k, []string{" and "}},
		{"unrelated", "Your key has expired, sign in again.", []string{"Your key has expired, sign in again."}},
		{"too short to register", "short words stay", []string{"short words stay"}},
	}
	for _, tt := range tests {
		got := ScrubKnown(tt.in)
		if f := leaks(got, k, 4); f != "" && tt.name != "unrelated" && tt.name != "too short to register" {
			t.Errorf("%s: %q keeps %q of the key", tt.name, got, f)
		}
		for _, w := range tt.keep {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %q lost %q", tt.name, got, w)
			}
		}
		if again := ScrubKnown(got); again != got {
			t.Errorf("%s: not idempotent: %q -> %q", tt.name, got, again)
		}
		if f := leaks(Scrub(tt.in), k, MinSecret); f != "" {
			t.Errorf("%s: Scrub keeps %q", tt.name, f)
		}
	}
}

func TestRegistryBounded(t *testing.T) {
	for i := range 3 * maxSecretBytes / 1000 {
		RegisterSecret(strings.Repeat(string(rune('a'+i%26)), 990) + strings.Repeat("0", 10-len(itoa(i))) + itoa(i))
	}
	registry.mu.RLock()
	size, n := registry.size, len(registry.secrets)
	registry.mu.RUnlock()
	if size > maxSecretBytes || n == 0 {
		t.Fatalf("registry holds %d secrets, %d bytes", n, size)
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

func FuzzScrubKnown(f *testing.F) {
	RegisterSecret(zhipuKey)
	for _, s := range []string{"", "plain", zhipuKey, zhipuKey[:10] + " " + zhipuKey[10:], `{"error":"` + zhipuKey[3:] + `"}`} {
		f.Add(s, 0, 0)
	}
	f.Fuzz(func(t *testing.T, around string, cut, split int) {
		// Put a piece of the key (at least MinSecret bytes) into arbitrary
		// text, possibly split once by a space.
		if cut < 0 {
			cut = -cut
		}
		cut %= len(zhipuKey) - MinSecret + 1
		piece := zhipuKey[cut:]
		in := around + piece + around
		if split > 0 {
			split = MinSecret + split%(len(piece)-MinSecret+1)
			if split < len(piece) {
				in = around + piece[:split] + " " + piece[split:] + around
			}
		}
		got := ScrubKnown(in)
		if ScrubKnown(got) != got {
			t.Fatalf("not idempotent: %q -> %q", got, ScrubKnown(got))
		}
		if f := leaks(got, zhipuKey, MinSecret); f != "" && !strings.Contains(around, f) {
			t.Fatalf("%q keeps %q of the key (in %q)", got, f, in)
		}
	})
}

// TestLongSecret: a secret over the 4 KiB piece size is masked across the
// boundaries of its pieces.
func TestLongSecret(t *testing.T) {
	var b strings.Builder
	for i := 0; b.Len() < 10<<10; i++ {
		b.WriteString(itoa(i*7919%100003) + "x")
	}
	long := b.String()
	RegisterSecret(long)
	for _, cut := range [][2]int{{0, len(long)}, {4090, 4110}, {8180, 8200}, {len(long) - 20, len(long)}} {
		got := ScrubKnown("<" + long[cut[0]:cut[1]] + ">")
		if got != "<"+Redacted+">" {
			t.Errorf("piece %v: %q", cut, got)
		}
	}
}

// TestLowEntropySecrets: many secrets sharing the same windows (a run of
// zeros) still mask every piece of themselves.
func TestLowEntropySecrets(t *testing.T) {
	for i := range 50 {
		RegisterSecret("lowentropy" + strings.Repeat("0", 40) + itoa(1000+i))
	}
	got := ScrubKnown("a " + strings.Repeat("0", 300) + " b lowentropy00000000000000001042 c")
	if strings.Contains(got, "00000000") || strings.Contains(got, "lowentropy") || !strings.HasPrefix(got, "a ") || !strings.HasSuffix(got, " c") {
		t.Errorf("%q", got)
	}
}

// TestIndexGrowsByBatches: secrets registered one at a time, each followed
// by a scrub (as 500 accounts minting tokens do), are all masked, through
// an index of few sorted runs; once the registry is full, every new secret
// forgets an old one, and the index keeps masking the remembered ones
// without a full rebuild per registration.
func TestIndexGrowsByBatches(t *testing.T) {
	secret := func(i int) string { return "tok" + strings.Repeat("Qx7", 6) + "-" + itoa(100000+i) + "-Zp" }
	masked := func(sec string) bool { return ScrubKnown("a "+sec+" b") == "a "+Redacted+" b" }
	const n = 300
	for i := range n {
		RegisterSecret(secret(i))
		ScrubKnown("warm " + secret(i)) // brings the index up to date
	}
	for i := range n {
		if !masked(secret(i)) {
			t.Fatalf("secret %d not masked", i)
		}
	}
	if l := len(lookup().levels); l > 16 {
		t.Fatalf("%d sorted runs after %d single registrations, want O(log n)", l, n)
	}
	// Fill the registry: the oldest secrets go.
	for i := range maxSecretBytes / 1000 {
		RegisterSecret(strings.Repeat(string(rune('a'+i%26)), 990) + strings.Repeat("0", 10-len(itoa(i))) + itoa(i))
	}
	ScrubKnown("warm")
	for i := n; i < 2*n; i++ { // each forgets an old secret
		RegisterSecret(secret(i))
		if !masked(secret(i)) {
			t.Fatalf("secret %d, registered in a full registry, not masked", i)
		}
	}
	if masked(secret(0)) {
		t.Error("the oldest secret is still masked after the registry overflowed")
	}
	registry.mu.RLock()
	defer registry.mu.RUnlock()
	total := 0
	for _, l := range registry.levels {
		total += l.Len()
	}
	if 2*registry.stale > total || registry.indexed != registry.first+len(registry.secrets) {
		t.Fatalf("index: %d windows, %d of forgotten secrets; ids %d..%d, indexed below %d",
			total, registry.stale, registry.first, registry.first+len(registry.secrets), registry.indexed)
	}
}
