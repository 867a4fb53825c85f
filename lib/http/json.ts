import { InputError } from "../errors";

/** The JSON body of a request; a body that is not JSON is a 422 naming it. */
export async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new InputError("body", "the request body must be JSON", "invalid_json");
  }
}
