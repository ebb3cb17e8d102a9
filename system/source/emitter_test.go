package source

import (
	"context"
	"testing"

	cloudevents "github.com/cloudevents/sdk-go/v2"
)

func TestEmitterFromDefaultsToDiscard(t *testing.T) {
	ev := cloudevents.NewEvent()
	if err := EmitterFrom(context.Background()).Emit(context.Background(), "http://sink", ev); err != nil {
		t.Fatalf("Discard.Emit: %v", err)
	}
}

func TestRecorderThroughContext(t *testing.T) {
	rec := &Recorder{}
	ctx := WithEmitter(context.Background(), rec)
	ev := cloudevents.NewEvent()
	ev.SetID("1")
	if err := EmitterFrom(ctx).Emit(ctx, "http://sink", ev); err != nil {
		t.Fatal(err)
	}
	ev.SetID("changed after emit")
	got := rec.Events()
	if len(got) != 1 || got[0].SinkURI != "http://sink" || got[0].Event.ID() != "1" {
		t.Fatalf("Events() = %+v, want one event with id 1 to http://sink", got)
	}
	rec.Reset()
	if n := len(rec.Events()); n != 0 {
		t.Fatalf("after Reset, %d events", n)
	}
}

func TestAttach(t *testing.T) {
	owner := new(int)
	e := Of(owner)
	fromCtx := &Recorder{}
	ctx := WithEmitter(context.Background(), fromCtx)
	ev := cloudevents.NewEvent()
	if err := e.Emit(ctx, "http://a", ev); err != nil {
		t.Fatal(err)
	}
	rec := &Recorder{}
	Attach(owner, rec)
	defer Attach(owner, nil)
	if err := e.Emit(ctx, "http://b", ev); err != nil {
		t.Fatal(err)
	}
	if len(fromCtx.Events()) != 1 || len(rec.Events()) != 1 || rec.Events()[0].SinkURI != "http://b" {
		t.Errorf("context recorder %v, attached recorder %v", fromCtx.Events(), rec.Events())
	}
}
