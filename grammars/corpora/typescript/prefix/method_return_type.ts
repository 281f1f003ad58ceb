export class Service {
  constructor(private readonly http: HttpClient) {}

  async load(id: string): Promise<