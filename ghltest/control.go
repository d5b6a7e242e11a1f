package ghltest

import (
	"encoding/json"
	"net/http"
)

// serveControl serves the /_emulator/ control endpoints. They need no
// token, no Version header, are not rate limited, recorded or faulted.
//
//	POST   /_emulator/faults    body: a Fault as JSON → 201 with the fault
//	GET    /_emulator/faults    → 200 [faults]
//	DELETE /_emulator/faults    → 204, all faults removed
//	GET    /_emulator/stats     → 200 Stats as JSON
//	GET    /_emulator/requests  → 200 [recorded requests] (body as a string)
//	DELETE /_emulator/requests  → 204, request log cleared
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	reply := func(status int, v any) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		if v != nil {
			w.Write(marshal(v))
		}
	}
	bad := func(status int, msg string) {
		reply(status, map[string]any{"statusCode": status, "message": msg})
	}
	switch r.Method + " " + r.URL.Path {
	case "POST /_emulator/faults":
		var f Fault
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&f); err != nil {
			bad(http.StatusBadRequest, "invalid fault JSON: "+err.Error())
			return
		}
		if err := s.addFault(f); err != nil {
			bad(http.StatusBadRequest, err.Error())
			return
		}
		fs := s.Faults()
		reply(http.StatusCreated, fs[len(fs)-1])
	case "GET /_emulator/faults":
		reply(http.StatusOK, s.Faults())
	case "DELETE /_emulator/faults":
		s.ClearFaults()
		w.WriteHeader(http.StatusNoContent)
	case "GET /_emulator/stats":
		reply(http.StatusOK, s.Stats())
	case "GET /_emulator/requests":
		reply(http.StatusOK, s.Requests())
	case "DELETE /_emulator/requests":
		s.ResetRequests()
		w.WriteHeader(http.StatusNoContent)
	default:
		bad(http.StatusNotFound, "Cannot "+r.Method+" "+r.URL.Path)
	}
}
