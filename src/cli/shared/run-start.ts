import { write, type Io, writeSoon } from "./command.js";
import { emitterService } from "./emitter-service.js";
import { loopback } from "./loopback.js";
import { receiverService } from "./receiver-service.js";
import type { RunningService, StartContext, StartService, StartSettings } from "./start-service.js";
import { standInService } from "./stand-in-service.js";

/** Started in this order, stopped in reverse; a service can use the URLs of the ones before it. */
const startServices: StartService[] = [receiverService, standInService, emitterService];
const statusEveryMs = 10_000;

/**
 * Runs `start`: every service, their URLs and a status line each every 10 s, until Ctrl-C; then
 * stops them and prints their last status. A service that fails to start stops the ones before it.
 */
export async function runStart(settings: StartSettings, io: Io): Promise<number> {
  // With --target the user's receiver stands where the reference receiver would.
  const context: StartContext = { io, settings, urls: settings.target ? { receiver: settings.target } : {} };
  const services = startServices.filter((service) => !(settings.target && service.name === receiverService.name));
  const running: Array<{ name: string; service: RunningService }> = [];
  const stopAll = async () => {
    for (const { service } of [...running].reverse()) await service.stop();
  };
  try {
    for (const definition of services) {
      const service = await definition.start(context);
      running.push({ name: definition.name, service });
      if (service.url) context.urls[definition.name] = service.url;
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
  const width = Math.max(...running.map(({ name }) => name.length)) + 2;
  await write(io.stdout, `tiw-push-kit is running on ${loopback}, seed ${settings.seed} (Ctrl-C stops it):\n`);
  for (const { name, service } of running) {
    await write(io.stdout, `  ${name.padEnd(width)}${service.url ? `${service.url}  ` : ""}${service.description}\n`);
  }
  if (settings.target) await write(io.stdout, `  ${"target".padEnd(width)}${settings.target}  your receiver: the stand-in's callbacks and the emitter's go there\n`);
  // The demo key is no secret and is what a copied payload verifies with; the user's own is never printed.
  const keyLine = settings.demoKey ? `${settings.callbackKey} (the built-in demo key; validate a payload with --key ${settings.callbackKey})` : "yours (from --key or TIW_CALLBACK_KEY)";
  await write(io.stdout, `  callback key: ${keyLine}\n`);
  const statusLines = () => running.flatMap(({ name, service }) => (service.status ? [`  ${name.padEnd(width)}${service.status()}\n`] : [])).join("");
  const timer = setInterval(() => writeSoon(io.stdout, statusLines()), statusEveryMs);
  timer.unref();
  await io.interrupted;
  clearInterval(timer);
  await write(io.stdout, "stopping...\n");
  await stopAll();
  await write(io.stdout, statusLines() + "stopped\n");
  return 0;
}
