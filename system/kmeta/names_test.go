package kmeta

import (
	"strings"
	"testing"
)

func TestChildName(t *testing.T) {
	long := strings.Repeat("a", 60)
	for _, tc := range []struct {
		name, parent, suffix, want string
	}{
		{"fits", "helloworld-go", "-00001", "helloworld-go-00001"},
		{"exactly 63", strings.Repeat("b", 57), "-00001", strings.Repeat("b", 57) + "-00001"},
		// 25 characters of the parent, the MD5 of "a"×60, the suffix.
		{"long parent is hashed", long, "-00001", strings.Repeat("a", 25) + "cc7ed669cf88f201c3297c6a91e1d18d" + "-00001"},
		{"long suffix hashes parent and suffix", strings.Repeat("p", 40), strings.Repeat("-x", 20), "pppppppppppppppppppppppppppppppfc01fca8deeb6c2e6c934d1bb99c71ae"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ChildName(tc.parent, tc.suffix)
			if len(got) > 63 {
				t.Fatalf("ChildName(%q, %q) = %q: %d characters", tc.parent, tc.suffix, got, len(got))
			}
			if tc.want != "" && got != tc.want {
				t.Errorf("ChildName(%q, %q) = %q, want %q", tc.parent, tc.suffix, got, tc.want)
			}
			if strings.HasSuffix(got, "-") {
				t.Errorf("ChildName(%q, %q) = %q ends in a dash", tc.parent, tc.suffix, got)
			}
		})
	}
}
