package retry

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestDo(t *testing.T) {
	fail := errors.New("down")
	var seen []int
	n, err := Do(context.Background(), Fixed(2, time.Millisecond), func(_ context.Context, attempt int) error {
		seen = append(seen, attempt)
		return fail
	})
	if n != 3 || !errors.Is(err, fail) || !reflect.DeepEqual(seen, []int{1, 2, 3}) {
		t.Errorf("Do = %d, %v, attempts %v; want 3 attempts", n, err, seen)
	}
	n, err = Do(context.Background(), Fixed(5, time.Hour), func(context.Context, int) error { return Permanent(fail) })
	if n != 1 || !errors.Is(err, fail) || err.Error() != "down" {
		t.Errorf("permanent: %d, %v", n, err)
	}
	n, err = Do(context.Background(), Fixed(5, time.Hour), func(_ context.Context, attempt int) error {
		if attempt < 1 {
			return fail
		}
		return nil
	})
	if n != 1 || err != nil {
		t.Errorf("success: %d, %v", n, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	n, _ = Do(ctx, Fixed(5, time.Hour), func(context.Context, int) error { return fail })
	if n != 1 || time.Since(start) > 5*time.Second {
		t.Errorf("cancelled: %d attempts after %v", n, time.Since(start))
	}
	if got, want := Doubling(3, 250*time.Millisecond), []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second}; !reflect.DeepEqual(got, want) {
		t.Errorf("Doubling = %v", got)
	}
}
