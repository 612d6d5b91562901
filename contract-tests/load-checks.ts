import { CheckFailure, type Check } from "./check.js";
import { evidenceOf } from "./evidence.js";
import type { Task } from "./session.js";
import type { Exchange } from "./transport.js";

const burstTasks = 20;
const burstConcurrency = 10;

export const loadChecks: Check[] = [
  {
    name: "answers-in-time",
    description: "Every answer to a sequence of valid callbacks comes within the time budget (default 3 s)",
    level: "basic",
    async run(session) {
      const tasks = [await session.task("USER_CALL"), await session.task("AUTO"), await session.task("EXCEPTION")];
      for (const event of tasks.flatMap(({ started, stopped }) => [started, stopped])) {
        const exchange = await session.deliver(session.asSent(event));
        if (exchange.answer && exchange.ms <= session.budgetMs) continue;
        const took = exchange.answer ? `took ${Math.round(exchange.ms)} ms` : "got no answer";
        const step = `${event.EventType} of task ${event.EventData.TaskId}`;
        throw new CheckFailure(`${step} ${took}, over the ${session.budgetMs} ms budget`, evidenceOf(exchange, `an answer within ${session.budgetMs} ms`, step));
      }
    },
  },
  {
    name: "survives-burst",
    description: `A burst of ${burstTasks} mixed tasks, ${burstConcurrency} at a time, each Started then Stopped, all get HTTP 200 (no 5xx, no timeout)`,
    level: "strict",
    async run(session) {
      const queue: Task[] = await session.tasks(burstTasks, "mixed");
      const failures: { exchange: Exchange; step: string }[] = [];
      let sent = 0;
      // Each lane delivers a task's Stopped only once its Started was answered, as TIW does.
      const lane = async () => {
        for (let task = queue.shift(); task; task = queue.shift()) {
          for (const event of [task.started, task.stopped]) {
            const exchange = await session.deliver(session.asSent(event));
            sent += 1;
            if (exchange.answer?.status !== 200) failures.push({ exchange, step: `${event.EventType} of task ${task.taskId}` });
          }
        }
      };
      await Promise.all(Array.from({ length: burstConcurrency }, lane));
      const [first] = failures;
      if (!first) return;
      const statuses = failures.map(({ exchange }) => exchange.answer?.status ?? (exchange.timedOut ? "timeout" : "error"));
      const tally = [...new Set(statuses)].map((status) => `${statuses.filter((s) => s === status).length}× ${status}`).join(", ");
      throw new CheckFailure(`${failures.length} of ${sent} callbacks in the burst were not acknowledged (${tally})`, evidenceOf(first.exchange, "HTTP 200 for every callback", `first failure: ${first.step}`));
    },
  },
];
