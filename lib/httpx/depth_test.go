package httpx

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/jsonval"
	"github.com/mystatus/mystatus/lib/quota"
)

// TestDeepBody: a body of nothing but "[" just under the 1 MiB cap is
// refused before any parser sees it, for a little more memory than the
// body itself (gjson's validator would recurse a million times and use
// hundreds of MB of stack).
func TestDeepBody(t *testing.T) {
	deep := strings.Repeat("[", MaxBody-1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/500" {
			w.WriteHeader(500)
		}
		w.Write([]byte(deep))
	}))
	defer srv.Close()
	c := New(5 * time.Second)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := c.Get(deadline(t), srv.URL+"/200", nil)
	runtime.ReadMemStats(&after)
	e := quota.AsError(err)
	if e == nil || e.Kind != quota.KindMalformed || e.Status != 200 || !errors.Is(err, jsonval.ErrTooDeep) ||
		!strings.Contains(e.Detail, "nested deeper than 128 levels") {
		t.Fatalf("2xx deep body: %+v", e)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
		t.Errorf("allocated %d MiB for a 1 MiB body", grew>>20)
	}
	if after.StackInuse > 64<<20 {
		t.Errorf("stack in use %d MiB", after.StackInuse>>20)
	}

	resp, err := c.Get(deadline(t), srv.URL+"/500", nil)
	var se *StatusError
	if !errors.As(err, &se) || len(se.Body) != 0 || len(resp.Body) != 0 || !errors.Is(se.Dropped, jsonval.ErrTooDeep) {
		t.Fatalf("non-2xx deep body kept: %v", err)
	}
	if k := quota.KindOf(FromStatus(err)); k != quota.KindServerError {
		t.Errorf("deep 500 classified %s", k)
	}
	if !strings.Contains(se.Detail(), "nested deeper than 128 levels") {
		t.Errorf("detail %q", se.Detail())
	}
}

// TestFromStatusDeepBody: a hand-built StatusError with a deep body is
// classified by its status without recursing.
func TestFromStatusDeepBody(t *testing.T) {
	body := []byte(strings.Repeat(`{"error":`, 200) + `"invalid_grant"` + strings.Repeat("}", 200))
	if !gjson.ValidBytes(body) {
		t.Fatal("fixture is not JSON")
	}
	se := &StatusError{Status: 400, Header: http.Header{}, Body: body}
	if k := quota.KindOf(FromStatus(se)); k != quota.KindMalformed {
		t.Fatalf("deep 400 classified %s", k)
	}
}
