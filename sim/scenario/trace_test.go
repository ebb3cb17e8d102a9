package scenario

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestCheckTrace(t *testing.T) {
	minutes := func(n int) string {
		var b strings.Builder
		for i := 1; i <= n; i++ {
			b.WriteString("," + strconv.Itoa(i))
		}
		return b.String()
	}
	full := "HashOwner,HashApp,HashFunction,Trigger" + minutes(traceMinutes) + "\n"
	tests := []struct {
		name string
		csv  string
		want string
	}{
		{"full day", full + "o,a,f,http" + strings.Repeat(",0", traceMinutes) + "\n", ""},
		{"empty", "", "t.csv: the trace is empty"},
		{"short", "HashOwner,HashApp,HashFunction,Trigger,1,2\n",
			"t.csv:1: expected the header HashOwner,HashApp,HashFunction,Trigger,1,2,...,1440 (1444 columns), got 6 columns"},
		{"wrong key", strings.Replace(full, "HashFunction", "Function", 1),
			`t.csv:1: column 3 of the header: expected "HashFunction", got "Function" (an Azure Functions 2019 trace starts with the header HashOwner,HashApp,HashFunction,Trigger,1,2,...,1440)`},
		{"minute out of order", strings.Replace(full, ",2,3,", ",3,2,", 1),
			`t.csv:1: column 6 of the header: expected minute "2", got "3"`},
		{"count at the limit", full + "o,a,f,http,10000000" + strings.Repeat(",0", traceMinutes-1) + "\n", ""},
		{"largest int64 count", full + "o,a,f,http" + strings.Repeat(",0", traceMinutes) + "\n" +
			"o,a,g,http,0,9223372036854775807" + strings.Repeat(",0", traceMinutes-2) + "\n",
			"t.csv:3: column 6 (minute 2): count 9223372036854775807 is over the limit of 10000000 invocations per minute"},
		{"count beyond int64", full + "o,a,f,http,18446744073709551616" + strings.Repeat(",0", traceMinutes-1) + "\n",
			"t.csv:2: column 5 (minute 1): count 18446744073709551616 is over the limit of 10000000 invocations per minute"},
		{"negative count", full + "o,a,f,http,-1" + strings.Repeat(",0", traceMinutes-1) + "\n",
			`t.csv:2: column 5 (minute 1): expected a non-negative integer, got "-1"`},
		{"short row", full + "o,a,f,http,1,2\n", "t.csv: record on line 2: wrong number of fields"},
		{"1e9 in one minute over 100 rows", full + strings.Repeat("o,a,f,http,10000000"+strings.Repeat(",0", traceMinutes-1)+"\n", 100),
			"t.csv:3: column 5 (minute 1): the functions of the trace invoke 20000000 times in this minute so far, over the limit of 10000000 per minute of a whole trace"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkTraceReader("t.csv", strings.NewReader(tt.csv))
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("err = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestReplayTime(t *testing.T) {
	tr := &Trace{Offset: Duration(time.Hour), Speedup: 60}
	tests := []struct {
		in     time.Duration
		want   time.Duration
		wantOK bool
	}{
		{59 * time.Minute, 0, false},
		{time.Hour, 0, true},
		{time.Hour + time.Minute, time.Second, true},
		{2 * time.Hour, time.Minute, true},
	}
	for _, tt := range tests {
		got, ok := tr.ReplayTime(tt.in)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("ReplayTime(%s) = %s, %v; want %s, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}
