// @ts-check
/* global setInterval */
/**
 * The dashboard of the TIW API stand-in: a live view of every task, callback and delivery, and
 * buttons that drive the stand-in. Everything comes from the documented `/_kit/` endpoints of the
 * same origin: one server-sent event stream for changes (no polling), a snapshot when it opens.
 * Plain DOM and ES modules, no framework; types checked by tsc from the spec's generated types.
 */
import { setUpActions } from "./actions.js";
import { setUpBurstForm } from "./burst-form.js";
import { setUpCallbackForm } from "./callback-form.js";
import { connect } from "./connection.js";
import { setUpPayloadDialog } from "./payload-dialog.js";
import { scheduleRender } from "./render.js";
import { renderClock } from "./settings-view.js";
import { setUpTaskList } from "./task-list.js";

setUpActions();
setUpBurstForm();
setUpCallbackForm();
setUpPayloadDialog();
setUpTaskList(scheduleRender);
// The virtual clock ticks here, from its last known reading and scale: no request per second.
setInterval(renderClock, 1000);
connect();
