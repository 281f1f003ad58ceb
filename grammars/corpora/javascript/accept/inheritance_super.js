// Class inheritance, super calls, mixins and static inheritance.
class Animal {
  static kingdom = "animalia";
  constructor(name) {
    this.name = name;
  }
  speak() {
    return `${this.name} makes a sound.`;
  }
  static create(...args) {
    return new this(...args);
  }
}

class Dog extends Animal {
  constructor(name, breed) {
    super(name);
    this.breed = breed;
  }
  speak() {
    return `${super.speak()} Woof!`;
  }
  get description() {
    return `${this.name} the ${this.breed}`;
  }
  static create(name) {
    return super.create(name, "mixed");
  }
}

const Serializable = (Base) => class extends Base {
  serialize() {
    return JSON.stringify(this);
  }
};

class SerializableDog extends Serializable(Dog) {}

const d = new SerializableDog("Rex", "lab");
const d2 = new Dog;
const d3 = new (class {})();
console.log(d.speak(), d.serialize(), Dog.kingdom, d2, d3);
export { Animal, Dog, SerializableDog };
