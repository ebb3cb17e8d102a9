package chrometrace

import (
	"fmt"
	"slices"
	"sort"
)

// processes assigns process ids to revisions (by name, so ids follow the
// names whatever order requests come in) and thread ids to pods' lanes.
type processes struct {
	revs map[string]*process
}

// process is one revision's tracks.
type process struct {
	name string
	pods map[string]*podTracks
}

// podTracks are one pod's lanes: the end of the last request on each.
type podTracks struct {
	lanes []int64
}

func newProcesses() *processes { return &processes{revs: map[string]*process{}} }

func (p *processes) rev(name string) *process {
	r := p.revs[name]
	if r == nil {
		r = &process{name: name, pods: map[string]*podTracks{}}
		p.revs[name] = r
	}
	return r
}

func (r *process) podOf(name string) *podTracks {
	pt := r.pods[name]
	if pt == nil {
		pt = &podTracks{}
		r.pods[name] = pt
	}
	return pt
}

// lane puts a request from start to end on the first lane of the pod free
// by start; requests come sorted by start.
func (p *processes) lane(rev, pod string, start, end int64) (pid, tid int) {
	pt := p.rev(rev).podOf(pod)
	i := slices.IndexFunc(pt.lanes, func(free int64) bool { return free <= start })
	if i < 0 {
		i = len(pt.lanes)
		pt.lanes = append(pt.lanes, 0)
	}
	pt.lanes[i] = end
	return p.ids(rev, pod, i)
}

// gateway is lane for requests no revision took.
func (p *processes) gateway(start, end int64) (pid, tid int) {
	return p.lane(gatewayProcess, "gateway", start, end)
}

// pod is a pod's first lane, where its lifecycle goes.
func (p *processes) pod(rev, pod string) (pid, tid int) {
	pt := p.rev(rev).podOf(pod)
	if len(pt.lanes) == 0 {
		pt.lanes = append(pt.lanes, 0)
	}
	return p.ids(rev, pod, 0)
}

// ids are the process and thread ids: revisions numbered from 1 by name,
// pods from 1 by name within theirs, lanes within a pod's block of
// laneStride.
func (p *processes) ids(rev, pod string, lane int) (int, int) {
	return index(p.revNames(), rev) + 1, (index(p.podNames(rev), pod)+1)*laneStride + lane
}

func (p *processes) revNames() []string {
	out := make([]string, 0, len(p.revs))
	for k := range p.revs {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (p *processes) podNames(rev string) []string {
	r := p.revs[rev]
	out := make([]string, 0, len(r.pods))
	for k := range r.pods {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func index(names []string, n string) int { return sort.SearchStrings(names, n) }

// metadata names every process and track.
func (p *processes) metadata() []event {
	var out []event
	for _, rev := range p.revNames() {
		pid, _ := p.ids(rev, "", 0)
		out = append(out, event{Name: "process_name", Ph: "M", Pid: pid, Args: map[string]any{"name": rev}})
		for _, pod := range p.podNames(rev) {
			for lane := range p.revs[rev].pods[pod].lanes {
				_, tid := p.ids(rev, pod, lane)
				name := pod
				if lane > 0 {
					name = fmt.Sprintf("%s #%d", pod, lane+1)
				}
				out = append(out, event{Name: "thread_name", Ph: "M", Pid: pid, Tid: tid, Args: map[string]any{"name": name}})
			}
		}
	}
	return out
}
