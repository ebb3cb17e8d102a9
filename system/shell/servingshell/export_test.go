package servingshell

// BreakPodsForTest closes every ready pod's listener, so that requests
// routed to them fail on the hop.
func (sh *Shell) BreakPodsForTest() error {
	sh.mu.RLock()
	defer sh.mu.RUnlock()
	for _, rev := range sh.revs {
		for _, pd := range rev.ready {
			if err := pd.srv.Close(); err != nil {
				return err
			}
		}
	}
	return nil
}
