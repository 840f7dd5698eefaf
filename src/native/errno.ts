// Names for the errno values the native helpers return (negated), for readable "reason" strings.
const ERRNO_NAMES: Record<number, string> = {
  1: "EPERM",
  3: "ESRCH",
  12: "ENOMEM",
  13: "EACCES",
  14: "EFAULT",
  22: "EINVAL",
  38: "ENOSYS",
  10001: "OUTRIDER_EHWLOC_INIT",
  10002: "OUTRIDER_EHWLOC_LOAD",
  10003: "OUTRIDER_ESODIUM_INIT",
};

/** "EINVAL (22)" for a negative return value of -22. */
export function errnoName(negativeReturn: number): string {
  const errno = -negativeReturn;
  return `${ERRNO_NAMES[errno] ?? "errno"} (${errno})`;
}
