import type { z } from "zod";

/** Turns a zod issue into the short phrase a form shows beside its field ("can't be blank"). */
export function fieldMessage(issue: z.core.$ZodIssue, given: unknown): string {
  switch (issue.code) {
    case "invalid_type":
      return given === undefined || given === null
        ? "is required"
        : `must be ${article(issue.expected)}`;
    case "too_small":
      if (issue.origin === "string") {
        return Number(issue.minimum) <= 1
          ? "can't be blank"
          : `must be at least ${issue.minimum} characters`;
      }
      return `must be at least ${issue.minimum}`;
    case "too_big":
      return issue.origin === "string"
        ? `must be at most ${issue.maximum} characters`
        : `must be at most ${issue.maximum}`;
    case "invalid_format":
      return issue.format === "url"
        ? "must be a valid http(s) URL"
        : `must be a valid ${issue.format}`;
    default:
      return issue.message;
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
