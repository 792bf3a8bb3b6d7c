import { Get, HttpCode } from '@nestjs/common';
import { Public } from './public.decorator';
import { fastifyHandlerOf, ServedByFastify } from './served-by-fastify.decorator';

class Probes {
  @Public()
  @ServedByFastify()
  @Get('alive')
  alive(): { status: string } {
    return { status: 'ok' };
  }

  @ServedByFastify()
  @Get('guarded')
  guarded(): string {
    return 'secret';
  }

  @Public()
  @ServedByFastify()
  @HttpCode(204)
  @Get('empty')
  empty(): string {
    return '';
  }

  @Public()
  @Get('nest')
  nest(): string {
    return 'nest';
  }
}

class WithParameters {
  @Public()
  @Get('echo')
  echo(value?: string): string {
    return value ?? '';
  }
}
// A method with parameters cannot carry the decorator by its type; this is how it would look untyped.
(ServedByFastify() as (target: object, key: string, descriptor: PropertyDescriptor) => void)(
  WithParameters.prototype,
  'echo',
  Object.getOwnPropertyDescriptor(WithParameters.prototype, 'echo') as PropertyDescriptor,
);

describe('@ServedByFastify', () => {
  it("gives a public, argument-free, 200 route a plain handler answering the method's value", () => {
    const handler = fastifyHandlerOf(Probes.prototype.alive, '/alive');
    expect(handler?.name).toBe('servedByFastify');
    expect(handler?.()).toEqual({ status: 'ok' });
  });

  it('leaves every other route to Nest', () => {
    expect(fastifyHandlerOf(Probes.prototype.nest, '/nest')).toBeUndefined();
    expect(fastifyHandlerOf(undefined, '/nothing')).toBeUndefined();
  });

  it('refuses, at start-up, a route that is not public: the global guard does not run there', () => {
    expect(() => fastifyHandlerOf(Probes.prototype.guarded, '/guarded')).toThrow('/guarded cannot be served by Fastify: it is not @Public()');
  });

  it('refuses a route whose method takes parameters, or that declares another status', () => {
    expect(() => fastifyHandlerOf(WithParameters.prototype.echo, '/echo')).toThrow('/echo cannot be served by Fastify: its method takes parameters.');
    expect(() => fastifyHandlerOf(Probes.prototype.empty, '/empty')).toThrow('/empty cannot be served by Fastify: it declares a status other than 200.');
  });
});
