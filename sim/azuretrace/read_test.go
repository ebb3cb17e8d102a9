package azuretrace

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// invocationsCSV builds an invocation file: the header, then one row per
// function with its trigger and count for every minute (minute m gets
// counts[m % len(counts)]).
func invocationsCSV(rows ...[]string) string {
	var b strings.Builder
	b.WriteString("HashOwner,HashApp,HashFunction,Trigger")
	for m := 1; m <= MinutesPerDay; m++ {
		b.WriteString("," + strconv.Itoa(m))
	}
	b.WriteString("\n")
	for _, r := range rows {
		b.WriteString(strings.Join(r[:4], ","))
		for m := range MinutesPerDay {
			b.WriteString("," + r[4+m%(len(r)-4)])
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestReadInvocations(t *testing.T) {
	good := invocationsCSV([]string{"o1", "a1", "f1", "http", "0", "2"}, []string{"o1", "a1", "f2", "timer", "1"})
	got, err := ReadInvocations("inv.csv", strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Owner, App, Function, Trigger string
		Total, Line                   int
	}
	var rows []row
	for _, r := range got {
		total := 0
		for _, n := range r.PerMinute {
			total += int(n)
		}
		rows = append(rows, row{r.Owner, r.App, r.Function, r.Trigger, total, r.Line})
	}
	want := []row{{"o1", "a1", "f1", "http", 1440, 2}, {"o1", "a1", "f2", "timer", 1440, 3}}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}

func TestReadErrors(t *testing.T) {
	header := invocationsCSV()
	minutes := header[len("HashOwner,HashApp,HashFunction,Trigger") : len(header)-1]
	durHeader := strings.Join(durationHeader, ",") + "\n"
	memHeader := strings.Join(memoryHeader, ",") + "\n"
	tests := []struct {
		name string
		read func(string, string) error
		text string
		want string
	}{
		{"invocations empty", invocations, "", "f.csv: the file is empty, expected the header HashOwner,HashApp,HashFunction,Trigger,1,2,...,1440"},
		{"invocations few columns", invocations, "HashOwner,HashApp,HashFunction,Trigger,1,2\n",
			"f.csv:1: expected the header HashOwner,HashApp,HashFunction,Trigger,1,2,...,1440 (1444 columns), got 6 columns"},
		{"invocations misnamed key", invocations, "HashOwner,App,HashFunction,Trigger" + minutes + "\n",
			`f.csv:1:11: column 2 of the header: expected "HashApp", got "App" (the header is HashOwner,HashApp,HashFunction,Trigger,1,2,...,1440)`},
		{"invocations misnamed minute", invocations, "HashOwner,HashApp,HashFunction,Trigger," + strings.Replace(minutes[1:], ",3,", ",x,", 1) + "\n",
			`f.csv:1:44: column 7 of the header: expected "3", got "x" (the header is HashOwner,HashApp,HashFunction,Trigger,1,2,...,1440)`},
		{"invocations short row", invocations, header + "o,a,f,http,1,2\n", "f.csv:2: expected 1444 columns, as the header, got 6"},
		{"invocations bad count", invocations, invocationsCSV([]string{"o", "a", "f", "http", "1", "-3"}),
			`f.csv:2:14: minute 2: expected a non-negative integer, got "-3"`},
		{"invocations huge count", invocations, invocationsCSV([]string{"o", "a", "f", "http", "20000000"}),
			"f.csv:2:12: minute 1: count 20000000 is over the limit of 10000000 invocations per minute"},
		{"invocations bad trigger", invocations, invocationsCSV([]string{"o", "a", "f", "cron", "1"}),
			`f.csv:2:7: Trigger: expected one of http, timer, event, queue, storage, orchestration, others, got "cron"`},
		{"invocations empty hash", invocations, invocationsCSV([]string{"o", "", "f", "http", "1"}),
			"f.csv:2:3: HashApp: expected a value, got an empty field"},
		{"invocations bad quote", invocations, header + "o,\"a\"x,f\n", `f.csv: line 2, column 5: extraneous or missing " in quoted-field`},
		{"durations misnamed", durations, strings.Replace(durHeader, "percentile_Average_99", "percentile_Average_95", 1),
			`f.csv:1:170: column 13 of the header: expected "percentile_Average_99", got "percentile_Average_95" (the header is HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,percentile_Average_0,percentile_Average_1,percentile_Average_25,percentile_Average_50,percentile_Average_75,percentile_Average_99,percentile_Average_100)`},
		{"durations not a number", durations, durHeader + "o,a,f,12,3,1,20,1,1,5,abc,15,19,20\n",
			`f.csv:2:23: percentile_Average_50: expected a non-negative number, got "abc"`},
		{"durations negative", durations, durHeader + "o,a,f,-12,3,1,20,1,1,5,10,15,19,20\n",
			`f.csv:2:7: Average: expected a non-negative number, got "-12"`},
		{"durations NaN", durations, durHeader + "o,a,f,12,NaN,1,20,1,1,5,10,15,19,20\n",
			`f.csv:2:10: Count: expected a non-negative number, got "NaN"`},
		{"memory misnamed", memory, "HashOwner,HashApp,SampleCount,AverageAllocatedMB" + memHeader[len("HashOwner,HashApp,SampleCount,AverageAllocatedMb"):],
			`f.csv:1:31: column 4 of the header: expected "AverageAllocatedMb", got "AverageAllocatedMB" (the header is HashOwner,HashApp,SampleCount,AverageAllocatedMb,AverageAllocatedMb_pct1,AverageAllocatedMb_pct5,AverageAllocatedMb_pct25,AverageAllocatedMb_pct50,AverageAllocatedMb_pct75,AverageAllocatedMb_pct95,AverageAllocatedMb_pct99,AverageAllocatedMb_pct100)`},
		{"memory infinite", memory, memHeader + "o,a,10,100,1,2,3,4,5,6,7,+Inf\n",
			`f.csv:2:26: AverageAllocatedMb_pct100: expected a non-negative number, got "+Inf"`},
		{"memory long row", memory, memHeader + "o,a,10,100,1,2,3,4,5,6,7,8,9\n", "f.csv:2: expected 12 columns, as the header, got 13"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.read("f.csv", tc.text)
			got := "<nil>"
			if err != nil {
				got = err.Error()
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

func invocations(name, text string) error {
	_, err := ReadInvocations(name, strings.NewReader(text))
	return err
}

func durations(name, text string) error {
	_, err := ReadDurations(name, strings.NewReader(text))
	return err
}

func memory(name, text string) error {
	_, err := ReadMemory(name, strings.NewReader(text))
	return err
}

func TestReadDurationsAndMemory(t *testing.T) {
	durs, err := ReadDurations("d.csv", strings.NewReader(strings.Join(durationHeader, ",")+"\n"+
		"o,a,f,120.5,3,60,400,60,61,80,100,150,300,400\n"))
	if err != nil {
		t.Fatal(err)
	}
	wantD := []Durations{{Owner: "o", App: "a", Function: "f", Average: 120.5, Count: 3, Minimum: 60, Maximum: 400,
		P0: 60, P1: 61, P25: 80, P50: 100, P75: 150, P99: 300, P100: 400, Line: 2}}
	if diff := cmp.Diff(wantD, durs); diff != "" {
		t.Errorf("durations (-want +got):\n%s", diff)
	}
	mem, err := ReadMemory("m.csv", strings.NewReader("\ufeff"+strings.Join(memoryHeader, ",")+"\n"+
		"o,a,1200,150,100,110,130,150,160,180,190,200\n"))
	if err != nil {
		t.Fatal(err)
	}
	wantM := []Memory{{Owner: "o", App: "a", SampleCount: 1200, Average: 150, Pct: [8]float64{100, 110, 130, 150, 160, 180, 190, 200}, Line: 2}}
	if diff := cmp.Diff(wantM, mem); diff != "" {
		t.Errorf("memory (-want +got):\n%s", diff)
	}
}

func TestReadDay(t *testing.T) {
	d, err := ReadDay(filepath.Join("testdata", "d01"), 1)
	if err != nil {
		t.Fatal(err)
	}
	got := []int{len(d.Invocations), len(d.Durations), len(d.Memory)}
	// the fixture: 30 functions and one repeated row, one function
	// without durations, 10 apps of which one has no memory row.
	if diff := cmp.Diff([]int{31, 29, 9}, got); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}

	tests := []struct {
		name string
		dir  func(t *testing.T) string
		day  int
		want string
	}{
		{"missing memory file", func(t *testing.T) string {
			dir := t.TempDir()
			for _, f := range []string{invocationsFile(1), durationsFile(1)} {
				copyFile(t, filepath.Join("testdata", "d01", f), filepath.Join(dir, f))
			}
			return dir
		}, 1, "open DIR/app_memory_percentiles.anon.d01.csv: no such file or directory"},
		{"missing day", func(t *testing.T) string { return filepath.Join("testdata", "d01") }, 2,
			"open DIR/invocations_per_function_md.anon.d02.csv: no such file or directory"},
		{"day out of range", func(t *testing.T) string { return "." }, 0,
			"day: expected a file number 1 to 99 (the dataset has 01 to 14), got 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := tc.dir(t)
			_, err := ReadDay(dir, tc.day)
			got := "<nil>"
			if err != nil {
				got = strings.ReplaceAll(err.Error(), dir+"/", "DIR/")
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
