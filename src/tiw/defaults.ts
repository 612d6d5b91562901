/** Protocol defaults and ranges from Tencent's documentation, shared by every part of the kit. */

/** The SdkAppId of Tencent's examples. */
export const defaultSdkAppId = 1400000001;
/** StartWhiteboardPush's AutoStopTimeout when none is given, in seconds. */
export const defaultAutoStopTimeout = 1800;
/** The AutoStopTimeout StartWhiteboardPush accepts, in seconds. */
export const autoStopTimeoutRange = [300, 259200] as const;
