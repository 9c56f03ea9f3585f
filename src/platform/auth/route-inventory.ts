import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import type { Role } from '../config/config';
import { PUBLIC_KEY, ROLES_KEY } from './auth.decorators';

/** A route as Nest registered it, with what its decorators declare about access. */
export interface RegisteredRoute {
  readonly method: string;
  /** `/v1/verifications/:sessionId`, as declared (parameters by name). */
  readonly path: string;
  /** `public` for @Public(); otherwise the roles of @Roles(…), empty when none are declared (closed). */
  readonly access: 'public' | readonly Role[];
}

function paths(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [''];
}

function join(...parts: readonly string[]): string {
  const path = parts
    .flatMap((part) => part.split('/'))
    .filter((segment) => segment !== '')
    .join('/');
  return `/${path}`;
}

/**
 * Every controller route of the application, read from the same decorator metadata Nest routes by and the auth
 * guard reads. Used by the authorization-matrix test, so that no route can exist without a matrix entry.
 */
export function registeredRoutes(app: {
  get(token: typeof ModulesContainer): ModulesContainer;
}): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  const modules = app.get(ModulesContainer);
  for (const module of modules.values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (abstract new (...args: never[]) => unknown) | null;
      if (typeof controller !== 'function') continue;
      const prefixes = paths(Reflect.getMetadata(PATH_METADATA, controller));
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        const own = Reflect.getMetadata(PATH_METADATA, handler) as unknown;
        if (method === undefined || own === undefined) continue;
        const isPublic =
          (Reflect.getMetadata(PUBLIC_KEY, handler) ?? Reflect.getMetadata(PUBLIC_KEY, controller)) === true;
        const roles = (Reflect.getMetadata(ROLES_KEY, handler) ??
          Reflect.getMetadata(ROLES_KEY, controller) ??
          []) as Role[];
        for (const prefix of prefixes) {
          for (const path of paths(own)) {
            routes.push({
              method: RequestMethod[method],
              path: join(prefix, path),
              access: isPublic ? 'public' : [...roles].sort(),
            });
          }
        }
      }
    }
  }
  return routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}
