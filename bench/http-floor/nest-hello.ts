/**
 * The bare framework of `bench:http-floor`: NestJS 11 on the Fastify adapter, one controller
 * answering `GET /` with "hello", nothing else (no guard, interceptor, filter, logger or database).
 * Started by the bench in a process of its own; prints `listening` once it accepts connections.
 */
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';

@Controller()
class HelloController {
  @Get()
  hello(): string {
    return 'hello';
  }
}

@Module({ controllers: [HelloController] })
class HelloModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(HelloModule, new FastifyAdapter(), { logger: false });
  await app.listen(Number(process.env.PORT), '127.0.0.1');
  console.log('listening');
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

void main();
