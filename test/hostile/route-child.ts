// The `leadroute` command as its own process, for the tests that send it signals: transpiled
// with test/state/durable/fork.ts buildWorker and run with the test's Node.
import { runFromProcess } from '../../cli/program';

runFromProcess();
